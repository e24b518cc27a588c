//! Handlers that run the protocols on the one-thread reactor (select, poll or epoll).

pub mod access_log;
pub mod chat;
pub mod echo;
pub mod http;
pub mod metrics;

use reactor::{BackendKind, Bugs, Config, Handler, Listener, Reactor};
use std::io;
use std::path::PathBuf;

/// What a server attaches to its reactor beside the limits of `Config`: the lecture's bugs
/// (`--bug NAME`, none by default) and the flight recorder (`--trace FILE`, none by default).
#[derive(Clone, Debug, Default)]
pub struct Attached {
    pub bugs: Bugs,
    pub trace: Option<PathBuf>,
}

impl Attached {
    /// A reactor of `kind` running `handler` within `config`, with these attached.
    pub fn reactor<H: Handler>(&self, kind: BackendKind, handler: H, config: Config) -> io::Result<Reactor<H>> {
        Reactor::new(kind, handler, config)?
            .with_bugs(self.bugs)
            .with_trace(self.trace.as_deref())
    }
}

/// Serve `listener` with `handler` on a reactor of `kind` until SIGINT/SIGTERM, with the
/// lecture's bugs and the flight recorder `attached` (none unless `--bug`, `--trace`).
pub fn run<H: Handler>(
    kind: BackendKind,
    listener: Listener,
    handler: H,
    config: Config,
    attached: &Attached,
) -> io::Result<()> {
    let mut reactor = attached.reactor(kind, handler, config)?;
    reactor.listen(listener)?;
    reactor.watch_signals(&[])?;
    log::info!("serving on the {kind} reactor");
    reactor.run()?;
    log::info!("stopped");
    Ok(())
}
