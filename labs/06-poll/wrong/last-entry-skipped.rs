// A wrong lab 6: the loop over the pollfds stops one early (`len() - 1`, an off-by-one from
// a C loop): the newest descriptor, often the client that just spoke, is never looked at.
// EXPECT: revents on each
// REGION: one poll(2) call, one Event per pollfd with revents
events.clear();
let timeout = PollTimeout::try_from(timeout_millis(timeout)).unwrap_or(PollTimeout::MAX);
let ready = poll(&mut self.pollfds, timeout).map_err(io::Error::from)?;
if ready == 0 {
    return Ok(0);
}
for (pollfd, &token) in self.pollfds.iter().zip(&self.tokens).take(self.pollfds.len() - 1) {
    if let Some(event) = pollfd.revents().and_then(|r| Self::to_event(token, r)) {
        events.push(event);
    }
}
Ok(events.len())
