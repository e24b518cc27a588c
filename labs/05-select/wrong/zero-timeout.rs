// A wrong lab 5: the timeval is always zero ("select must not block a server"): select(2)
// returns at once with nothing ready, and the loop spins, a whole core while idle.
// EXPECT: while idle
// REGION: one select(2) call
events.clear();
let (mut readfds, mut writefds, highest) = self.build_fd_sets();
let _ = timeout;
let mut timeval = Some(TimeVal::new(0, 0));
select(highest + 1, &mut readfds, &mut writefds, None, timeval.as_mut()).map_err(io::Error::from)?;
self.collect_ready(&readfds, &writefds, events);
Ok(events.len())
