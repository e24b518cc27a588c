// A wrong lab 7: read returning 0 is skipped like an empty read ("nothing to do"): the
// client's FIN is never acted on, so the server never closes its side and the descriptor
// leaks; the client waits for an EOF that never comes.
// EXPECT: read() returning 0 is the client
// REGION: read until WouldBlock (or a short read, where that proves it drained)
let Some(conn) = self.conns.get(token.0) else { return };
let until = until.for_stream(conn.is_socket); // a terminal's short read proves nothing
for _ in 0..READ_BUDGET {
    let Some(conn) = self.conns.get_mut(token.0) else {
        return;
    };
    if !conn.can_read() {
        return; // spurious or stale event (rule 1), or reading is paused
    }
    match conn.stream.read(&mut self.scratch) {
        Ok(0) => return,
        Ok(n) => {
            conn.last_active = self.now;
            self.deliver(token, n);
            if self.bugs.has(Bug::ReadOnce) {
                // BUG read-once: one read per event. select and poll report the rest
                // again (level-triggered); edge-triggered epoll never does: a stall.
                return;
            }
            // Rule 2: a short read drained the socket; the read that would say
            // WouldBlock is a system call saved (`read_until.rs` says when).
            if until.done_after(n, self.scratch.len()) {
                return;
            }
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
        Err(e) => return self.close_now(token, CloseReason::Error(e.kind())),
    }
}
// Budget spent with data possibly left: come back next turn, without sleeping.
if !self.pending_reads.contains(&token) {
    self.pending_reads.push(token);
}
