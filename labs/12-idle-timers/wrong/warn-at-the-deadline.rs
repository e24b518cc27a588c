// A wrong lab 12: the warning timer is set to the whole idle time (`after`), then the kick
// `warning` seconds later: a silent member is kicked after after + warning seconds, and
// warned when it should already be gone.
// EXPECT: not after, not after + warning
// REGION: restart the countdown on activity
if let Some(key) = self.timers.remove(&token) {
    ctx.cancel_timer(key);
}
if let Some(key) = ctx.set_timer(self.after, WARN) {
    self.timers.insert(token, key);
}
