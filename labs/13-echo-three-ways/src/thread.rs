//! The thread server: one thread per client (`clone(2)` under `std::thread::spawn`). The
//! thread owns its socket, so it is closed when the thread ends; the handle is dropped, which
//! detaches the thread (the lecture's `pthread_create` without `pthread_detach` leaks each
//! thread's stack until a join that never comes).

use crate::echo::echo;
use crate::listen::next_client;
use std::io;
use std::net::TcpListener;
use std::thread;

/// Accept, and give each client a thread of its own.
pub fn serve_thread(listener: &TcpListener) -> io::Result<()> {
    // LAB 13 BEGIN: the thread server
    while let Some(mut stream) = next_client(listener, &mut || {})? {
        let spawned = thread::Builder::new().name("client".into()).spawn(move || {
            if let Err(e) = echo(&mut stream) {
                eprintln!("lab13-echo: client thread: {e}");
            }
        });
        if let Err(e) = spawned {
            // Out of threads: this client is refused (its socket was moved into the failed
            // closure and is closed), the others keep being served.
            eprintln!("lab13-echo: cannot start a thread: {e}");
        }
    }
    Ok(())
    // LAB 13 END
}
