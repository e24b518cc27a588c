// A wrong lab 12: the pending timer is looked up by indexing the map, `self.timers[&token]`,
// "there is always one": but a member who just joined has none yet, so the first join panics
// the server.
// EXPECT: panicked at
// REGION: restart the countdown on activity
ctx.cancel_timer(self.timers[&token]);
if let Some(key) = ctx.set_timer(self.after - self.warning, WARN) {
    self.timers.insert(token, key);
}
