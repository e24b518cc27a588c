//! Flags for the limits that protect a server from peers holding its resources
//! (docs/reliability.md lists them all, with what happens past each).

use clap::Args;

/// Resource limits every server takes (flattened into `ServerArgs`).
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Descriptors kept free for the clients already served (files to open, pipes): a new
    /// client that would eat into them is refused as "busy". 0 admits up to EMFILE.
    #[arg(long, value_name = "N", default_value_t = reactor::Config::default().fd_reserve)]
    pub fd_reserve: usize,
}
