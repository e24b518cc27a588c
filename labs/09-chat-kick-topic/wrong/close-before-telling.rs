// A wrong lab 9: the deliveries in the wrong order. The victim's connection is closed first,
// then it is sent `* you were kicked by …`: the line goes to a member already gone, so the
// kicked member only sees its connection drop, without a word.
// EXPECT: * you were kicked by guest-1
// REGION: /kick: the operator sends a member away
if self.operator() != Some(id) {
    let operator = self.operator().and_then(|op| self.nick(op)).unwrap_or("nobody");
    let reason = format!("only the operator ({operator}) may /kick");
    return out.push(Delivery::Send(id, Event::Error(reason)));
}
let Some(&victim) = self.owners.get(&nick::key(&target)) else {
    return out.push(Delivery::Send(id, Event::error(format!("no such member: {target}"))));
};
if victim == id {
    return out.push(Delivery::Send(id, Event::error("you cannot kick yourself")));
}
out.extend(self.leave(victim, LeaveReason::Kicked(me.clone())));
out.push(Delivery::Close(victim));
out.push(Delivery::Send(victim, Event::Kicked { by: me }));
out.push(Delivery::Send(id, Event::Ok));
