//! Standard output closed under us: `routes | head -1`.
//!
//! When the reader of a pipe exits, the next `write(2)` to it raises SIGPIPE. In C its
//! default action kills the writer quietly, and the shell reports status 141 (128 + 13):
//! that is how `ip route | head -1` ends. Rust's runtime ignores SIGPIPE before `main`, so
//! the same `write` returns `EPIPE` instead, and `println!` turns that error into a panic:
//! "failed printing to stdout: Broken pipe", status 101.
//!
//! We cannot simply put SIGPIPE back to its default for the whole process: the servers (and
//! the clients that talk to them) write to sockets with plain `write(2)` and `sendfile(2)`,
//! and a peer that resets must give them `EPIPE` for that one connection, not kill the
//! process (docs/bugs.md, `--bug sigpipe`). So the rule of this workspace, for every binary:
//!
//! * SIGPIPE stays ignored; an `EPIPE` on a socket is an error for that connection;
//! * an `EPIPE` on **standard output** ends the program the way a C filter ends: SIGPIPE's
//!   default action is restored and the signal raised ([`die_of_sigpipe`]), so the parent
//!   sees "killed by SIGPIPE" and nothing is printed on stderr.
//!
//! Every `main` calls [`quit_quietly_on_closed_stdout`] first: it catches the `println!`
//! panic. Code that writes to stdout with `write!` and handles the error passes it through
//! [`or_die_of_sigpipe`] instead.

use std::io;
use std::panic;

/// Install the rule for this process: a `print!`/`println!` that fails with `EPIPE` ends the
/// program as if SIGPIPE had killed it; any other panic keeps the usual report.
pub fn quit_quietly_on_closed_stdout() {
    let usual = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if is_closed_stdout_panic(info.payload()) {
            die_of_sigpipe();
        }
        usual(info);
    }));
}

/// Is this panic std's "failed printing to stdout: Broken pipe (os error 32)"?
fn is_closed_stdout_panic(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = match payload.downcast_ref::<String>() {
        Some(s) => s.as_str(),
        None => payload.downcast_ref::<&str>().copied().unwrap_or(""),
    };
    let epipe = io::Error::from_raw_os_error(libc::EPIPE).to_string();
    message.starts_with("failed printing to stdout") && message.ends_with(&epipe)
}

/// Pass a stdout write's result through; on `EPIPE`, end the program like SIGPIPE would.
pub fn or_die_of_sigpipe<T>(result: io::Result<T>) -> io::Result<T> {
    match result {
        Err(e) if e.raw_os_error() == Some(libc::EPIPE) => die_of_sigpipe(),
        other => other,
    }
}

/// Restore SIGPIPE's default action, unblock it and raise it: the process dies of signal 13,
/// as a C program writing to a closed pipe does. (Exit status 141 if the signal could not be
/// delivered, which the shell shows the same way.)
pub fn die_of_sigpipe() -> ! {
    // SAFETY: plain libc calls on a local sigset; nothing else runs after them.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(libc::SIGPIPE);
    }
    std::process::exit(128 + libc::SIGPIPE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_the_epipe_print_panic() {
        let epipe = format!(
            "failed printing to stdout: {}",
            io::Error::from_raw_os_error(libc::EPIPE)
        );
        assert!(is_closed_stdout_panic(&epipe));
        let other = format!("failed printing to stdout: {}", io::Error::from_raw_os_error(libc::EIO));
        assert!(!is_closed_stdout_panic(&other));
        assert!(!is_closed_stdout_panic(&"index out of bounds"));
    }

    #[test]
    fn other_errors_pass_through() {
        let e = or_die_of_sigpipe::<()>(Err(io::Error::from_raw_os_error(libc::EIO)));
        assert_eq!(e.unwrap_err().raw_os_error(), Some(libc::EIO));
        assert_eq!(or_die_of_sigpipe(Ok(7)).unwrap(), 7);
    }
}
