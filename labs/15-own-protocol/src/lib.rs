//! Lab 15's key-value store: a binary protocol of the student's design (this is one), its
//! codec (`codec.rs`, shared by both ends), the server's reactor `Handler` (`server.rs`) and
//! the client's exchange (`client.rs`). The lecture's « Approche Binaire »: a fixed header,
//! a version, a canary that catches a reader out of step with the frames.

pub mod client;
pub mod codec;
pub mod server;
