// A wrong lab 9: the victim is looked up by the name as typed, not by its key. Nicks are
// case-insensitive (`nick::key`): `/kick Guest-3` must find guest-3, and here it answers
// `! no such member: Guest-3`.
// EXPECT: case-insensitive
// REGION: /kick: the operator sends a member away
if self.operator() != Some(id) {
    let operator = self.operator().and_then(|op| self.nick(op)).unwrap_or("nobody");
    let reason = format!("only the operator ({operator}) may /kick");
    return out.push(Delivery::Send(id, Event::Error(reason)));
}
let Some(&victim) = self.owners.get(&target) else {
    return out.push(Delivery::Send(id, Event::error(format!("no such member: {target}"))));
};
if victim == id {
    return out.push(Delivery::Send(id, Event::error("you cannot kick yourself")));
}
out.push(Delivery::Send(victim, Event::Kicked { by: me.clone() }));
out.push(Delivery::Close(victim));
out.extend(self.leave(victim, LeaveReason::Kicked(me)));
out.push(Delivery::Send(id, Event::Ok));
