// A wrong lab 3: waitpid without WNOHANG ("wait for the children, that is what waitpid is
// for"): the parent sleeps in waitpid until a child exits, so while one client is connected
// nobody accepts the next.
// EXPECT: the parent is blocked in waitpid
// REGION: reap every exited child, never block
if options.bugs.has(Bug::NoReap) {
    return;
}
loop {
    match waitpid(None, None) {
        Ok(WaitStatus::StillAlive) => return,
        Ok(status) => {
            if let Some(pid) = status.pid() {
                children.remove(&pid);
                trace_reap(options, &status);
            }
        }
        Err(nix::errno::Errno::EINTR) => continue,
        Err(_) => return,
    }
}
