// A wrong lab 6: the Event of every pollfd is unwrapped ("poll said something happened"):
// an entry with no revents, an fd that is simply not ready while another is, panics the
// server.
// EXPECT: panicked at
// REGION: one poll(2) call, one Event per pollfd with revents
events.clear();
let timeout = PollTimeout::try_from(timeout_millis(timeout)).unwrap_or(PollTimeout::MAX);
let ready = poll(&mut self.pollfds, timeout).map_err(io::Error::from)?;
if ready == 0 {
    return Ok(0);
}
for (pollfd, &token) in self.pollfds.iter().zip(&self.tokens) {
    let revents = pollfd.revents().unwrap_or(PollFlags::empty());
    events.push(Self::to_event(token, revents).unwrap());
}
Ok(events.len())
