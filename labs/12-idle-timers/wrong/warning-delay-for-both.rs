// A wrong lab 12 (tried on the finished grader, as a student would): the first timer is set
// to the warning delay instead of `after - warning` ("the warning timer waits `warning`"):
// with an even --idle-kick the two are equal, with an odd one the warning comes early.
// EXPECT: not warning then warning
// REGION: restart the countdown on activity
if let Some(key) = self.timers.remove(&token) {
    ctx.cancel_timer(key);
}
if let Some(key) = ctx.set_timer(self.warning, WARN) {
    self.timers.insert(token, key);
}
