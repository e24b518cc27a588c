//! Handlers that run the protocols on the one-thread reactor (select, poll or epoll).

pub mod access_log;
pub mod chat;
pub mod echo;
pub mod http;
pub mod metrics;

use reactor::{BackendKind, Bugs, Config, Handler, Listener, Reactor};
use std::io;

/// Serve `listener` with `handler` on a reactor of `kind` until SIGINT/SIGTERM, with the
/// lecture's `bugs` switched on (none unless `--bug`).
pub fn run<H: Handler>(
    kind: BackendKind,
    listener: Listener,
    handler: H,
    config: Config,
    bugs: Bugs,
) -> io::Result<()> {
    let mut reactor = Reactor::new(kind, handler, config)?.with_bugs(bugs);
    reactor.listen(listener)?;
    reactor.watch_signals(&[])?;
    log::info!("serving on the {kind} reactor");
    reactor.run()?;
    log::info!("stopped");
    Ok(())
}
