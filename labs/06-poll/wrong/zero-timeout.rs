// A wrong lab 6: poll(2) with a zero timeout ("never block the loop"): it returns at once
// with nothing ready and the loop spins, a whole core while idle.
// EXPECT: while idle
// REGION: one poll(2) call, one Event per pollfd with revents
events.clear();
let _ = timeout;
let timeout = PollTimeout::ZERO;
let ready = poll(&mut self.pollfds, timeout).map_err(io::Error::from)?;
if ready == 0 {
    return Ok(0);
}
for (pollfd, &token) in self.pollfds.iter().zip(&self.tokens) {
    if let Some(event) = pollfd.revents().and_then(|r| Self::to_event(token, r)) {
        events.push(event);
    }
}
Ok(events.len())
