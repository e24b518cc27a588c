//! Where an idle connection's bytes go in the reactor (`make demo-scale`, docs/scale.md).
//!
//! ```text
//! cargo run --release -p servers --example conn_bytes
//! ```
//!
//! The reactor keeps one record per connection in a `Slab` (a `Vec` of entries, reserved up
//! front for the server's `max_connections`). That record is private to the reactor, so this
//! example rebuilds its layout from the public types of its fields — `ConnLayout` lists them
//! in the order of `reactor/src/conn.rs` at the time of writing — and prints the size of
//! each, the record's and the slab entry's. The measured figure (the server's memory growth
//! divided by the connections) is in the tables of `make demo-scale`; this says which field
//! it is made of.

use std::mem::size_of;
use std::time::Instant;

use reactor::{CloseReason, Interest, LazyOutbox, Outbox, Peer, Stream, TimerKey};
use servers::proto::echo::Echo;

/// The fields of the reactor's per-connection record, with their real types.
#[allow(dead_code)]
struct ConnLayout {
    stream: Stream,
    peer: Peer,
    state: Echo,
    inbuf: Vec<u8>,
    outbox: LazyOutbox,
    registered: Interest,
    serial: u64,
    read_closed: bool,
    paused: bool,
    closing: Option<CloseReason>,
    shutdown_pending: bool,
    write_shut: bool,
    dead: bool,
    last_active: Instant,
    idle_timer: Option<TimerKey>,
    is_socket: bool,
}

/// `slab::Entry<T>`: `Vacant(next free key)` or `Occupied(T)` (its layout, for its size).
#[allow(dead_code)]
enum SlabEntry<T> {
    Vacant(usize),
    Occupied(T),
}

fn main() {
    let fields: [(&str, usize, &str); 16] = [
        (
            "stream",
            size_of::<Stream>(),
            "enum Tcp/Unix/Fd: a descriptor and a tag",
        ),
        (
            "peer",
            size_of::<Peer>(),
            "SocketAddr (v6-sized) or a path: only for logs",
        ),
        ("state", size_of::<Echo>(), "the echo handler keeps nothing"),
        (
            "inbuf",
            size_of::<Vec<u8>>(),
            "empty Vec: no heap until a partial frame",
        ),
        (
            "outbox",
            size_of::<LazyOutbox>(),
            "a pointer: the Outbox is allocated on first output",
        ),
        ("registered", size_of::<Interest>(), "two bools"),
        ("serial", size_of::<u64>(), ""),
        ("read_closed", size_of::<bool>(), "flag"),
        ("paused", size_of::<bool>(), "flag"),
        ("closing", size_of::<Option<CloseReason>>(), ""),
        ("shutdown_pending", size_of::<bool>(), "flag"),
        ("write_shut", size_of::<bool>(), "flag"),
        ("dead", size_of::<bool>(), "flag"),
        ("last_active", size_of::<Instant>(), "timespec"),
        ("idle_timer", size_of::<Option<TimerKey>>(), ""),
        ("is_socket", size_of::<bool>(), "flag"),
    ];
    println!("{:<18} {:>5}  note", "Conn field", "bytes");
    for (name, bytes, note) in fields {
        println!("{name:<18} {bytes:>5}  {note}");
    }
    let sum: usize = fields.iter().map(|f| f.1).sum();
    let record = size_of::<ConnLayout>();
    let entry = size_of::<SlabEntry<ConnLayout>>();
    println!(
        "{:<18} {sum:>5}  (padding in the record: {})",
        "sum of fields",
        record - sum
    );
    println!("{:<18} {record:>5}", "Conn<Echo>");
    println!("{:<18} {entry:>5}  Vacant(usize) | Occupied(Conn)", "slab entry");
    println!(
        "{:<18} {:>5}  on the heap, once the connection has had output",
        "Outbox",
        size_of::<Outbox>()
    );
    println!();
    println!("The slab is reserved for the server's max_connections records when the reactor");
    println!("starts: the pages of records never used are never touched, and cost nothing.");
}
