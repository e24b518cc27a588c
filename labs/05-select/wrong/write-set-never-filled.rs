// A wrong lab 5: only the read set is filled ("an echo server reads"): a socket whose output
// is pending is never watched for writing, so after a short write the rest of the echo waits
// forever.
// EXPECT: FD_SET in the write set
// REGION: FD_ZERO, then FD_SET for every watched fd
let mut readfds = FdSet::new();
let mut writefds = FdSet::new();
let mut highest = -1;
for (fd, slot) in self.watched.iter().enumerate() {
    let Some((_, interest)) = slot else { continue };
    // SAFETY: the fd is registered, and the reactor deregisters before it closes a
    // descriptor, so it is open for the whole call.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd as RawFd) };
    if interest.readable {
        readfds.insert(borrowed);
    }
    highest = fd as RawFd;
}
(readfds, writefds, highest)
