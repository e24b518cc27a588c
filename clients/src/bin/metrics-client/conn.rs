//! One connection to a metrics server, in the chosen encoding: send a command, read its
//! whole reply (for LIST, the count and then that many entries), say whether it succeeded.
//!
//! Blocking `read`/`write` on a TCP or UNIX stream, one command at a time: a client that waits for
//! each answer needs nothing more. Replies are read with bounds (a reply line of at most
//! 64 KiB, a frame of at most 1 KiB), so a broken server cannot make the client eat memory.

use crate::dump::{self, Direction};
use crate::wire::binary::{self, Decoded, HEADER_LEN, MAX_PAYLOAD};
use crate::wire::command::{format_value, Command, Reply};
use crate::wire::message::Message;
use crate::wire::text;
use clap::ValueEnum;
use clients::connect::connect_tcp;
use serde_json::{json, Value};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// Longest reply line accepted from a text or JSON server (a LIST of 10 000 metrics in JSON
/// is one line of about 1 MB).
const MAX_REPLY_LINE: u64 = 4 << 20;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    Binary,
    Text,
    Json,
}

/// What the server answered.
pub struct Answer {
    /// The reply as text lines, ready to print (JSON: the JSON line itself).
    pub printed: String,
    /// Not an ERR.
    pub ok: bool,
}

/// Where the server is: `HOST PORT`, or `--unix PATH`.
pub enum Target {
    Tcp(String, u16),
    Unix(PathBuf),
}

impl Target {
    /// For error messages: `127.0.0.1 port 7070`, `/tmp/m.sock`.
    pub fn describe(&self) -> String {
        match self {
            Target::Tcp(host, port) => format!("{host} port {port}"),
            Target::Unix(path) => path.display().to_string(),
        }
    }
}

pub struct Connection {
    reader: BufReader<Box<dyn Read>>,
    writer: Box<dyn Write>,
    encoding: Encoding,
    /// Print every message sent and received, field by field, on stderr (`dump.rs`).
    dump: bool,
}

impl Connection {
    /// Connect to HOST:PORT (each address `getaddrinfo` gives, in turn: `clients::connect`),
    /// or to a UNIX socket.
    pub fn open(target: &Target, encoding: Encoding, dump: bool) -> io::Result<Connection> {
        let timeout = Some(Duration::from_secs(30));
        let (reader, writer): (Box<dyn Read>, Box<dyn Write>) = match target {
            Target::Tcp(host, port) => {
                let (stream, _addr) = connect_tcp(host, &port.to_string()).map_err(io::Error::other)?;
                stream.set_nodelay(true)?;
                stream.set_read_timeout(timeout)?;
                (Box::new(stream.try_clone()?), Box::new(stream) as Box<dyn Write>)
            }
            Target::Unix(path) => {
                let stream = UnixStream::connect(path)?;
                stream.set_read_timeout(timeout)?;
                (Box::new(stream.try_clone()?), Box::new(stream) as Box<dyn Write>)
            }
        };
        let reader = BufReader::new(reader);
        Ok(Connection {
            reader,
            writer,
            encoding,
            dump,
        })
    }

    /// Send `command`, wait for and return its reply.
    pub fn request(&mut self, command: &Command) -> io::Result<Answer> {
        let bytes = self.encode(command)?;
        if self.dump {
            dump::print(Direction::Sent, self.encoding, &bytes);
        }
        self.writer.write_all(&bytes)?;
        match self.encoding {
            Encoding::Text => self.text_reply(),
            Encoding::Json => self.json_reply(),
            Encoding::Binary => self.binary_reply(),
        }
    }

    fn encode(&self, command: &Command) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        match self.encoding {
            Encoding::Binary => binary::encode(&Message::Request(command.clone()), &mut out).map_err(invalid)?,
            Encoding::Text => out = text_request(command)?.into_bytes(),
            Encoding::Json => {
                out = json_request(command).to_string().into_bytes();
                out.push(b'\n');
            }
        }
        Ok(out)
    }

    fn read_line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        let n = (&mut self.reader).take(MAX_REPLY_LINE).read_line(&mut line)?;
        if n == 0 || !line.ends_with('\n') {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        if self.dump {
            dump::print(Direction::Received, self.encoding, line.as_bytes());
        }
        Ok(line)
    }

    /// `OK …` or `ERR …`; after LIST's `OK n`, n more lines.
    fn text_reply(&mut self) -> io::Result<Answer> {
        let first = self.read_line()?;
        let ok = first.starts_with("OK");
        let mut printed = first.clone();
        if let Some(count) = first.strip_prefix("OK ").and_then(|n| n.trim().parse::<u32>().ok()) {
            for _ in 0..count {
                printed.push_str(&self.read_line()?);
            }
        }
        Ok(Answer { printed, ok })
    }

    fn json_reply(&mut self) -> io::Result<Answer> {
        let line = self.read_line()?;
        let value: Value = serde_json::from_str(&line).map_err(invalid)?;
        let ok = value.get("ok").and_then(Value::as_bool).unwrap_or(false);
        Ok(Answer { printed: line, ok })
    }

    /// One frame; LIST_HEAD is followed by its ENTRY frames. Printed in the text form.
    fn binary_reply(&mut self) -> io::Result<Answer> {
        let reply = match self.read_frame()? {
            Message::Ok(text) => Reply::Ok(text),
            Message::Err(error) => Reply::Err(error),
            Message::Sample(sample) => Reply::Sample(sample),
            Message::ListHead(count) => {
                let mut samples = Vec::new();
                for _ in 0..count {
                    match self.read_frame()? {
                        Message::Entry(sample) => samples.push(sample),
                        other => return Err(invalid(format!("expected an ENTRY frame, got {other:?}"))),
                    }
                }
                Reply::List(samples)
            }
            other => return Err(invalid(format!("unexpected frame {other:?}"))),
        };
        let mut printed = Vec::new();
        text::write_reply(&reply, &mut printed);
        let ok = !matches!(reply, Reply::Err(_));
        Ok(Answer {
            printed: String::from_utf8_lossy(&printed).into_owned(),
            ok,
        })
    }

    fn read_frame(&mut self) -> io::Result<Message> {
        let mut frame = vec![0u8; HEADER_LEN];
        self.reader.read_exact(&mut frame)?;
        let payload_len = usize::from(u16::from_le_bytes([frame[4], frame[5]])).min(MAX_PAYLOAD);
        frame.resize(HEADER_LEN + payload_len + 1, 0);
        self.reader.read_exact(&mut frame[HEADER_LEN..])?;
        if self.dump {
            dump::print(Direction::Received, self.encoding, &frame);
        }
        match binary::decode(&frame) {
            Decoded::Frame {
                message: Ok(message), ..
            } => Ok(message),
            Decoded::Frame { message: Err(e), .. } | Decoded::Fatal(e) => Err(invalid(e.to_string())),
            Decoded::Incomplete => Err(invalid("incomplete frame")),
        }
    }
}

/// `DESC name kind doc`, `VAL name value [timestamp]`, …; refuses a newline that would
/// smuggle a second command into the line.
fn text_request(command: &Command) -> io::Result<String> {
    let line = match command {
        Command::Desc { name, kind, doc } => format!("DESC {name} {} {doc}", kind.as_str()),
        Command::Val {
            name,
            value,
            timestamp: 0,
        } => format!("VAL {name} {}", format_value(*value)),
        Command::Val { name, value, timestamp } => format!("VAL {name} {} {timestamp}", format_value(*value)),
        Command::Get { name } => format!("GET {name}"),
        Command::List => "LIST".to_string(),
        Command::Reset { name } => format!("RESET {name}"),
        Command::Quit => "QUIT".to_string(),
    };
    if line.contains(['\n', '\r']) {
        return Err(invalid("a text command cannot contain a newline"));
    }
    Ok(line + "\n")
}

fn json_request(command: &Command) -> Value {
    match command {
        Command::Desc { name, kind, doc } => {
            json!({"command": "desc", "param": name, "kind": kind.as_str(), "doc": doc})
        }
        Command::Val {
            name,
            value,
            timestamp: 0,
        } => json!({"command": "val", "param": name, "value": value}),
        Command::Val { name, value, timestamp } => {
            json!({"command": "val", "param": name, "value": value, "timestamp": timestamp})
        }
        Command::Get { name } => json!({"command": "get", "param": name}),
        Command::List => json!({"command": "list"}),
        Command::Reset { name } => json!({"command": "reset", "param": name}),
        Command::Quit => json!({"command": "quit"}),
    }
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}
