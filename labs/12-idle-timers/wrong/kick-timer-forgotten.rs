// A wrong lab 12: when the warning fires, the kick timer is set but its key is not kept, so
// a member who answers the warning cannot cancel it: it is kicked all the same, although the
// statement says any line restarts the countdown.
// EXPECT: keep its key
// REGION: warn, then kick
self.timers.remove(&token);
match tag {
    WARN => {
        let _ = ctx.set_timer(self.warning, KICK);
        Some(IdleStep::Warn(self.warning))
    }
    KICK => Some(IdleStep::Kick),
    _ => None,
}
