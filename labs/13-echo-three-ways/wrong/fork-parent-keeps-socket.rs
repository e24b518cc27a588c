// EXPECT: descriptors open in the parent
// The student takes the raw descriptor to hand it to the child, and forgets that the parent
// still holds its copy: one descriptor leaks per client (and the client's EOF is delayed).
// REGION: the fork server
use std::os::fd::{FromRawFd, IntoRawFd};
while let Some(stream) = next_client(&listener, &mut reap_children)? {
    let fd = stream.into_raw_fd();
    // SAFETY: one thread in this process.
    match unsafe { fork() }.map_err(io::Error::from)? {
        ForkResult::Child => {
            drop(listener);
            // SAFETY: fd is the accepted socket, owned by nobody else in this process.
            let code = serve_child(unsafe { TcpStream::from_raw_fd(fd) });
            // SAFETY: _exit ends the process at once.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { .. } => {}
    }
}
Ok(())
