//! The text encoding: the lecture's `COMMAND PARAM\n`, one command per line, words separated
//! by spaces. Readable with `nc` or `socat`, typed by hand.
//!
//! ```text
//! DESC name counter|gauge doc…     -> OK described name
//! VAL name value [timestamp_ms]    -> OK name new_value
//! GET name                         -> OK name kind value timestamp doc…
//! LIST                             -> OK count, then count lines: name kind value timestamp
//! RESET name                       -> OK reset name (the value back to 0)
//! QUIT                             -> OK bye, then the server closes
//! anything wrong                   -> ERR code message
//! ```
//!
//! Command words are case-insensitive; a trailing `\r` is ignored (telnet sends `\r\n`);
//! an empty line is ignored. Lines are at most `MAX_LINE` bytes; how a longer one is
//! discarded is `session.rs`'s business, shared with JSON.

use super::command::{clip, format_value, Command, Error, ErrorCode, Kind, Reply, Sample};

/// Parse one line (without its `\n`). `Ok(None)`: a blank line, nothing to do.
pub fn parse_line(line: &[u8]) -> Result<Option<Command>, Error> {
    let line = std::str::from_utf8(line).map_err(|_| Error::new(ErrorCode::BadUtf8, "the line is not UTF-8"))?;
    let line = line.trim_end_matches('\r');
    let mut words = line.split(' ').filter(|w| !w.is_empty());
    let Some(verb) = words.next() else { return Ok(None) };
    let command = match verb.to_ascii_uppercase().as_str() {
        "DESC" => {
            let name = word(words.next(), "DESC name counter|gauge doc…")?;
            let kind_word = word(words.next(), "DESC name counter|gauge doc…")?;
            let kind =
                Kind::parse(&kind_word).ok_or_else(|| usage(&format!("kind {kind_word:?}: counter or gauge")))?;
            let doc = words.collect::<Vec<_>>().join(" ");
            Command::Desc { name, kind, doc }
        }
        "VAL" => {
            let name = word(words.next(), "VAL name value [timestamp_ms]")?;
            let value = number(words.next(), "value")?;
            let timestamp = match words.next() {
                Some(ts) => ts
                    .parse::<i64>()
                    .map_err(|_| bad_value(&format!("timestamp {:?}", clip(ts, 40))))?,
                None => 0,
            };
            no_more(words)?;
            Command::Val { name, value, timestamp }
        }
        "GET" => {
            let name = word(words.next(), "GET name")?;
            no_more(words)?;
            Command::Get { name }
        }
        "LIST" => no_more(words).map(|()| Command::List)?,
        "RESET" => reset(words)?,
        "QUIT" => no_more(words).map(|()| Command::Quit)?,
        _ => {
            return Err(usage(&format!(
                "unknown command {:?} (DESC, VAL, GET, LIST, RESET, QUIT)",
                clip(verb, 40)
            )))
        }
    };
    Ok(Some(command))
}

/// `RESET name`: one word, nothing after it.
fn reset<'a>(mut words: impl Iterator<Item = &'a str>) -> Result<Command, Error> {
    // LAB 11 BEGIN: RESET in the text encoding
    let name = word(words.next(), "RESET name")?;
    no_more(words)?;
    Ok(Command::Reset { name })
    // LAB 11 END
}

fn word(word: Option<&str>, usage_line: &str) -> Result<String, Error> {
    word.map(str::to_string)
        .ok_or_else(|| usage(&format!("usage: {usage_line}")))
}

/// A number as `f64::from_str` reads it (`nan` and `inf` parse, and the store refuses them).
fn number(word: Option<&str>, what: &str) -> Result<f64, Error> {
    let word = word.ok_or_else(|| usage(&format!("missing {what}")))?;
    word.parse::<f64>()
        .map_err(|_| bad_value(&format!("{what} {:?} is not a number", clip(word, 40))))
}

fn no_more<'a>(mut words: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    match words.next() {
        None => Ok(()),
        Some(extra) => Err(usage(&format!("unexpected {:?}", clip(extra, 40)))),
    }
}

fn usage(why: &str) -> Error {
    Error::new(ErrorCode::BadCommand, why.to_string())
}

fn bad_value(why: &str) -> Error {
    Error::new(ErrorCode::BadValue, why.to_string())
}

/// Append the reply lines for one command.
pub fn write_reply(reply: &Reply, out: &mut Vec<u8>) {
    match reply {
        Reply::Ok(text) => push_line(out, &format!("OK {text}")),
        Reply::Err(error) => push_line(out, &format!("ERR {error}")),
        Reply::Sample(sample) => push_line(out, &format!("OK {} {}", entry(sample), sample.doc)),
        Reply::List(samples) => {
            push_line(out, &format!("OK {}", samples.len()));
            for sample in samples {
                push_line(out, &entry(sample));
            }
        }
    }
}

/// `name kind value timestamp`.
fn entry(sample: &Sample) -> String {
    let (name, kind) = (&sample.name, sample.kind.as_str());
    format!("{name} {kind} {} {}", format_value(sample.value), sample.timestamp)
}

/// A reply line: stripped of trailing spaces (GET of an undocumented metric) and of any
/// newline that would split it.
fn push_line(out: &mut Vec<u8>, line: &str) {
    let line = line.trim_end();
    out.extend(line.bytes().map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }));
    out.push(b'\n');
}
