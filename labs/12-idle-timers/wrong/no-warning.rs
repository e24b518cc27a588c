// A wrong lab 12: the first timer kicks: the member is disconnected after `after - warning`
// seconds of silence without ever reading the warning the statement asks for.
// EXPECT: the warning and set_timer(warning, KICK)
// REGION: warn, then kick
self.timers.remove(&token);
match tag {
    WARN | KICK => Some(IdleStep::Kick),
    _ => None,
}
