//! The parent of `--workers`: fork the workers, restart the ones that die, stop them all.
//!
//! It waits in `poll(2)` on its self-pipe, where SIGCHLD, SIGINT and SIGTERM arrive
//! (`reactor::signal`). On SIGCHLD, `waitpid(-1, WNOHANG)` until no exited worker is left
//! (no zombies), and each one that died is logged and replaced — after a second if it died
//! within its first second, so a worker that crashes at start does not make the parent fork
//! in a tight loop. On SIGTERM (or SIGINT), every worker gets SIGTERM, finishes its
//! connections (the reactor's graceful stop) and is reaped; then the parent exits 0.
//!
//! What `ps` shows: one parent, N children, all the same binary — `ps -o pid,ppid,cmd
//! --ppid PARENT`; and `strace -f` shows the parent asleep in `poll`, the workers in
//! `epoll_wait` (docs/workers.md).

use log::{info, warn};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use reactor::signal::{SignalPipe, STOP_SIGNALS};
use reactor::Listener;
use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

/// A worker that dies younger than this is restarted only after `RESTART_DELAY`.
const MIN_LIFETIME: Duration = Duration::from_secs(1);
const RESTART_DELAY: Duration = Duration::from_secs(1);

/// One worker slot: its process, when it started, or when it may be started again.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Running {
        pid: Pid,
        since: Instant,
    },
    /// Died too young: fork again at this time.
    RestartAt(Instant),
}

pub struct Supervisor {
    /// The listening socket every worker inherits; the parent keeps it open (to fork
    /// replacements) and never accepts on it. `Option` so a worker can take its copy.
    listener: Option<Listener>,
    slots: Vec<Slot>,
    signals: SignalPipe,
    /// This process: a worker checks it is still its parent (`stop_with_parent`).
    parent: Pid,
}

impl Supervisor {
    /// Route SIGCHLD, SIGINT and SIGTERM into the self-pipe; no worker is started yet.
    pub fn new(workers: usize, listener: Listener) -> io::Result<Supervisor> {
        let signals = SignalPipe::install(&[Signal::SIGCHLD, Signal::SIGINT, Signal::SIGTERM])?;
        let now = Instant::now();
        Ok(Supervisor {
            listener: Some(listener),
            slots: vec![Slot::RestartAt(now); workers],
            signals,
            parent: nix::unistd::getpid(),
        })
    }

    /// Start the workers, keep them running until SIGTERM, then stop and reap them all.
    pub fn run(mut self, mut serve: impl FnMut(Listener) -> io::Result<()>) -> io::Result<()> {
        info!(
            "supervisor {}: starting {} workers",
            std::process::id(),
            self.slots.len()
        );
        loop {
            self.start_due(&mut serve);
            if self.wait_for_signal()? {
                break;
            }
            self.reap_and_replace();
        }
        self.stop_all();
        info!("supervisor: all workers stopped");
        Ok(())
    }

    /// Fork a worker into every slot whose time has come.
    fn start_due(&mut self, serve: &mut impl FnMut(Listener) -> io::Result<()>) {
        let now = Instant::now();
        for index in 0..self.slots.len() {
            if let Slot::RestartAt(at) = self.slots[index] {
                if at <= now {
                    self.slots[index] = self.spawn(index, serve);
                }
            }
        }
    }

    /// `fork(2)`: the child becomes worker `index` and never returns; the parent records it.
    fn spawn(&mut self, index: usize, serve: &mut impl FnMut(Listener) -> io::Result<()>) -> Slot {
        // SAFETY: the supervisor is single-threaded (module doc of `workers`).
        match unsafe { fork() } {
            Ok(ForkResult::Child) => self.worker_main(index, serve),
            Ok(ForkResult::Parent { child }) => {
                info!("worker {index}: started, pid {child}");
                Slot::Running {
                    pid: child,
                    since: Instant::now(),
                }
            }
            Err(e) => {
                warn!("worker {index}: fork: {e}; retrying in {RESTART_DELAY:?}");
                Slot::RestartAt(Instant::now() + RESTART_DELAY)
            }
        }
    }

    /// The worker's life: forget the parent's signal routing, serve the inherited listener
    /// with its own reactor, `_exit`.
    fn worker_main(&mut self, index: usize, serve: &mut impl FnMut(Listener) -> io::Result<()>) -> ! {
        let mut own = STOP_SIGNALS.to_vec();
        own.push(Signal::SIGCHLD);
        SignalPipe::restore_default(&own); // the reactor installs its own pipe
        stop_with_parent(self.parent);
        // This process's copy of the supervisor: taking the listener leaves the parent's alone.
        let result = match self.listener.take() {
            Some(listener) => serve(listener),
            None => Err(io::Error::other("no listener")),
        };
        let code = match result {
            Ok(()) => 0,
            Err(e) => {
                warn!("worker {index} (pid {}): {e}", std::process::id());
                1
            }
        };
        // SAFETY: _exit(2) ends the worker at once: the parent's copies of everything (its
        // pipe, its listener) must not be dropped or flushed a second time here.
        unsafe { libc::_exit(code) }
    }

    /// Sleep in poll(2) on the self-pipe until a signal, or until a delayed restart is due.
    /// Returns true when a stop was asked for.
    fn wait_for_signal(&mut self) -> io::Result<bool> {
        let timeout = self.next_restart().map_or(PollTimeout::NONE, |d| {
            PollTimeout::try_from(d.as_millis().min(60_000) as i32 + 1).unwrap_or(PollTimeout::MAX)
        });
        let mut fds = [PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        let signals = self.signals.drain();
        Ok(signals.iter().any(|s| STOP_SIGNALS.contains(s)))
    }

    /// How long until the earliest delayed restart.
    fn next_restart(&self) -> Option<Duration> {
        let now = Instant::now();
        self.slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::RestartAt(at) => Some(at.saturating_duration_since(now)),
                Slot::Running { .. } => None,
            })
            .min()
    }

    /// waitpid(-1, WNOHANG) until no exited child is left; each dead worker's slot is set
    /// to restart (now, or after a delay if it died young).
    fn reap_and_replace(&mut self) {
        loop {
            let status = match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => return,
                Ok(status) => status,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return, // ECHILD
            };
            let Some(pid) = status.pid() else { continue };
            let Some(index) = self.slot_of(pid) else { continue };
            let Slot::Running { since, .. } = self.slots[index] else {
                continue;
            };
            let young = since.elapsed() < MIN_LIFETIME;
            let delay = if young { RESTART_DELAY } else { Duration::ZERO };
            warn!(
                "worker {index} (pid {pid}) died: {}; restarting{}",
                describe(status),
                if young { " in 1 s" } else { "" }
            );
            self.slots[index] = Slot::RestartAt(Instant::now() + delay);
        }
    }

    fn slot_of(&self, pid: Pid) -> Option<usize> {
        self.slots
            .iter()
            .position(|slot| matches!(slot, Slot::Running { pid: p, .. } if *p == pid))
    }

    /// SIGTERM every running worker, then wait for each: no zombies are left behind.
    fn stop_all(&mut self) {
        let running: Vec<Pid> = self
            .slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::Running { pid, .. } => Some(*pid),
                Slot::RestartAt(_) => None,
            })
            .collect();
        info!("supervisor: stopping {} workers", running.len());
        for &pid in &running {
            let _ = kill(pid, Signal::SIGTERM);
        }
        for pid in running {
            loop {
                match waitpid(pid, None) {
                    Err(nix::errno::Errno::EINTR) => continue,
                    Ok(status) => {
                        info!("worker pid {pid}: {}", describe(status));
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
    }
}

/// A worker whose supervisor dies (even by SIGKILL, which it cannot catch) gets SIGTERM from
/// the kernel (`prctl(PR_SET_PDEATHSIG)`) and stops like any worker, instead of serving on as
/// an orphan nobody supervises. If the parent died before the call, the worker stops now.
fn stop_with_parent(parent: Pid) {
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number; no pointers are involved.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong) };
    if nix::unistd::getppid() != parent {
        let _ = kill(nix::unistd::getpid(), Signal::SIGTERM);
    }
}

/// "exited with 0", "killed by SIGKILL".
fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with {code}"),
        WaitStatus::Signaled(_, signal, _) => format!("killed by {signal}"),
        other => format!("{other:?}"),
    }
}
