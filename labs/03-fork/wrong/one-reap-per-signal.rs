// A wrong lab 3: one waitpid per SIGCHLD ("one signal, one child"): signals of the same kind
// merge while pending, so when 50 clients leave at once most children are never reaped and
// stay zombies.
// EXPECT: signals merge
// REGION: reap every exited child, never block
if options.bugs.has(Bug::NoReap) {
    return;
}
if let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
    if let Some(pid) = status.pid() {
        children.remove(&pid);
        trace_reap(options, &status);
    }
}
