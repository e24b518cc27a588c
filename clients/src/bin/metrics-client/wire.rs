//! The metrics protocol's codec, shared with the server *as source*: the `clients` crate does
//! not depend on `servers`, so the self-contained files of `servers/src/proto/metrics/` are
//! compiled here too (`#[path]`). One definition of the wire format, two programs: the
//! client cannot drift from the server.
//!
//! Each side uses half of the codec (the server decodes requests and encodes replies, the
//! client the reverse), hence `dead_code` is allowed for the other half.

#[allow(dead_code)]
#[path = "../../../../servers/src/proto/metrics/command.rs"]
pub mod command;

#[allow(dead_code)]
#[path = "../../../../servers/src/proto/metrics/message.rs"]
pub mod message;

#[allow(dead_code)]
#[path = "../../../../servers/src/proto/metrics/binary.rs"]
pub mod binary;

#[allow(dead_code)]
#[path = "../../../../servers/src/proto/metrics/text.rs"]
pub mod text;
