//! The metrics protocol's codec: the server's own modules (`servers::proto::metrics`), so the
//! client cannot drift from the server. The server decodes requests and encodes replies; the
//! client uses the other half of the same code.

pub use servers::proto::metrics::{binary, command, message, text};
