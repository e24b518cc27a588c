// A wrong lab 5: select's first argument is the highest fd ("the number of the last fd"),
// not the highest fd + 1: select(2) looks at fds 0..nfds-1, so the newest descriptor, often
// the client that just spoke, is never looked at.
// EXPECT: is nfds the highest fd + 1?
// REGION: one select(2) call
events.clear();
let (mut readfds, mut writefds, highest) = self.build_fd_sets();
let mut timeval = timeout.map(|d| TimeVal::new(d.as_secs() as _, d.subsec_micros() as _));
select(highest, &mut readfds, &mut writefds, None, timeval.as_mut()).map_err(io::Error::from)?;
self.collect_ready(&readfds, &writefds, events);
Ok(events.len())
