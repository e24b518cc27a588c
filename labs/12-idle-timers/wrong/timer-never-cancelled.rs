// A wrong-but-plausible lab 12 (CI checks the grader fails it): each line sets a new warning
// timer but never cancels the pending one, so the timer set when the member joined still
// fires: an active member is warned and kicked all the same.
// EXPECT: cancel the pending timer
// REGION: restart the countdown on activity
if let Some(key) = ctx.set_timer(self.after - self.warning, WARN) {
    self.timers.insert(token, key);
}
