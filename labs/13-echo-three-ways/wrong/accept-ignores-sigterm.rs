// EXPECT: still running after 5 s
// The accept loop calls accept(2) and nothing else: the SIGTERM handler sets its flag, but
// std retries accept after EINTR, so nobody ever looks at it.
// REGION: wait for a client, or for SIGTERM
loop {
    before_each_wait();
    if stopping() {
        return Ok(None);
    }
    match listener.accept() {
        Ok((stream, _peer)) => return Ok(Some(stream)),
        Err(e) if is_transient(&e) => continue,
        Err(e) => return Err(e),
    }
}
