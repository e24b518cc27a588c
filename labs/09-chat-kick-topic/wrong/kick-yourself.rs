// A wrong lab 9: the statement's three refusals, less one. The operator may kick itself:
// nobody checks that the victim is not the one asking, so `/kick guest-1` by guest-1 closes
// the operator's own connection instead of answering `! you cannot kick yourself`.
// EXPECT: ! you cannot kick yourself
// REGION: /kick: the operator sends a member away
if self.operator() != Some(id) {
    let operator = self.operator().and_then(|op| self.nick(op)).unwrap_or("nobody");
    let reason = format!("only the operator ({operator}) may /kick");
    return out.push(Delivery::Send(id, Event::Error(reason)));
}
let Some(&victim) = self.owners.get(&nick::key(&target)) else {
    return out.push(Delivery::Send(id, Event::error(format!("no such member: {target}"))));
};
out.push(Delivery::Send(victim, Event::Kicked { by: me.clone() }));
out.push(Delivery::Close(victim));
out.extend(self.leave(victim, LeaveReason::Kicked(me)));
out.push(Delivery::Send(id, Event::Ok));
