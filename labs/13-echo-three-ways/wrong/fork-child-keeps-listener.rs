// EXPECT: a child still holds the listening socket
// The child serves and `_exit`s, but never closes the listener it inherited with fork: every
// child keeps the port open as long as it serves.
// REGION: the fork server
while let Some(stream) = next_client(&listener, &mut reap_children)? {
    // SAFETY: one thread in this process.
    match unsafe { fork() }.map_err(io::Error::from)? {
        ForkResult::Child => {
            let code = serve_child(stream);
            // SAFETY: _exit ends the process at once.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { .. } => drop(stream),
    }
}
Ok(())
