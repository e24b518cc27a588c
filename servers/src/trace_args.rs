//! `--trace FILE`: the flight recorder's command-line flag, shared by every server.
//!
//! On a reactor model (select, poll, epoll) the loop writes one JSON line per turn; on a
//! blocking model (iterative, fork, thread) the driver writes one line per accept, fork or
//! thread, close and reap. Same format either way: docs/trace-format.md. Turn it into a
//! picture with `loop-timeline FILE` (or `make timeline MODEL=select`).

use crate::blocking::trace::ConnTrace;
use crate::cli::Model;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args, Debug, Clone, Default)]
pub struct TraceArgs {
    /// Record every turn of the event loop (blocking models: each accept, fork/thread,
    /// close and reap) as JSON lines in FILE; see docs/trace-format.md.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
}

impl TraceArgs {
    /// The blocking models' trace file, created now; a file that cannot be created is a
    /// startup error (exit 1), like an address that cannot be bound.
    pub fn open_for_blocking(&self, model: Model) -> Option<Arc<ConnTrace>> {
        let path = self.trace.as_ref()?;
        let name = format!("{model:?}").to_lowercase();
        match ConnTrace::create(path, &name) {
            Ok(trace) => Some(Arc::new(trace)),
            Err(e) => crate::cli::fail(&format!("trace file {}", path.display()), &e),
        }
    }
}
