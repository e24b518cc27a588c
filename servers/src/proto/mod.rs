//! Protocols as pure logic: bytes in, bytes (or deliveries) out. No socket anywhere, so each
//! one is unit-tested alone and the same tests cover every concurrency model.

pub mod chat;
pub mod echo;
pub mod http;
pub mod metrics;
