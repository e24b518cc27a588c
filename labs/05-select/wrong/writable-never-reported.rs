// A wrong lab 5: FD_ISSET is asked of the read set only: an fd found in the write set makes
// no Event, so the reactor never learns the socket can take the rest of a short write.
// EXPECT: report it as WRITABLE
// REGION: FD_ISSET for every watched fd
for (fd, slot) in self.watched.iter().enumerate() {
    let Some((token, _)) = slot else { continue };
    // SAFETY: as in build_fd_sets.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd as RawFd) };
    if readfds.contains(borrowed) {
        let mut event = Event::new(*token);
        event.readable = true;
        events.push(event);
    }
}
