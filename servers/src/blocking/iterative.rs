//! The iterative server: accept one client, serve it until it leaves, then accept the next.
//!
//! The simplest correct server, and the lesson of the first lecture programs: while one
//! client is served, the next one is accepted by the *kernel* (it completes the TCP handshake
//! and waits in the listen backlog) but nobody reads from it. `make demo-iterative` shows the
//! second client's lines answered only after the first client leaves.
//!
//! Stopping: SIGTERM may land while we sit in `read(2)` on the client, or just before it.
//! `signal::shutdown_on_stop` closes that window (see its doc).

use super::{serve, Acceptor, Next, Options, Session};
use log::{info, warn};
use reactor::signal;
use std::io;
use std::os::fd::AsRawFd;

/// Accept and serve clients one after the other until SIGINT/SIGTERM.
pub fn run<S: Session>(mut acceptor: Acceptor, session: &S, options: &Options) -> io::Result<()> {
    // LAB 2 BEGIN: serve clients one after the other
    loop {
        match acceptor.wait()? {
            Next::Client(mut stream, peer) => {
                // From here a SIGTERM shuts this client's socket down, whenever it lands.
                signal::shutdown_on_stop(Some(stream.as_raw_fd()));
                options.trace_accept(&stream, &peer);
                if !signal::stop_requested() {
                    info!("serving {peer} (the next client waits in the backlog)");
                    if let Err(e) = serve(session, &mut stream, &peer, options) {
                        warn!("{peer}: {e}");
                    }
                    info!("{peer} done");
                }
                signal::shutdown_on_stop(None);
                drop(stream);
                if signal::stop_requested() {
                    break;
                }
            }
            Next::Signal(_) => {}
            Next::Stop => break,
        }
    }
    info!("stopped");
    Ok(())
    // LAB 2 END
}
