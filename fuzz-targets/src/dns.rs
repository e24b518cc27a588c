//! A DNS answer from a hostile server: header, questions, records, compressed names.

use clients::dns::message::parse_message;
use clients::dns::name::{read_name, MAX_NAME};
use clients::dns::print::record_line;

/// Offsets at which a name is also read directly (a pointer may aim anywhere).
const NAME_OFFSETS: usize = 64;

/// Parse the whole message and print every record as `dns-query` would; read a name at each
/// of the first offsets. Any outcome but a panic is fine; a name read is never over 255 bytes.
pub fn message(data: &[u8]) {
    if let Ok(message) = parse_message(data) {
        let sections = [&message.answers, &message.authority, &message.additional];
        for record in sections.into_iter().flatten() {
            let _ = record_line(record);
        }
    }
    for start in 0..data.len().min(NAME_OFFSETS) {
        if let Ok((name, next)) = read_name(data, start) {
            let text = name.to_string();
            assert!(text.len() <= 4 * MAX_NAME, "name of {} characters", text.len());
            assert!(next > start && next <= data.len(), "next offset {next} from {start}");
        }
    }
}
