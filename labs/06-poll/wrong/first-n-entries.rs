// A wrong-but-plausible lab 6 (CI checks the grader fails it): "poll returned 3, so the
// first 3 entries are the ready ones". poll(2) returns how many entries have revents set,
// not where they are: a ready fd further down the array is never looked at.
// EXPECT: revents on each
// REGION: one poll(2) call, one Event per pollfd with revents
events.clear();
let timeout = PollTimeout::try_from(timeout_millis(timeout)).unwrap_or(PollTimeout::MAX);
let ready = poll(&mut self.pollfds, timeout).map_err(io::Error::from)?;
for (pollfd, &token) in self.pollfds.iter().zip(&self.tokens).take(ready as usize) {
    if let Some(event) = pollfd.revents().and_then(|r| Self::to_event(token, r)) {
        events.push(event);
    }
}
Ok(events.len())
