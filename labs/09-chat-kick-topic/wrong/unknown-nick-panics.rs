// A wrong lab 9: the victim is looked up by indexing the map, `self.owners[&key]`, "since the
// operator types a name that is there". A typo (`/kick zed`) panics the server: every member
// of the room is disconnected, on every model.
// EXPECT: panicked
// REGION: /kick: the operator sends a member away
if self.operator() != Some(id) {
    let operator = self.operator().and_then(|op| self.nick(op)).unwrap_or("nobody");
    let reason = format!("only the operator ({operator}) may /kick");
    return out.push(Delivery::Send(id, Event::Error(reason)));
}
let victim = self.owners[&nick::key(&target)];
if victim == id {
    return out.push(Delivery::Send(id, Event::error("you cannot kick yourself")));
}
out.push(Delivery::Send(victim, Event::Kicked { by: me.clone() }));
out.push(Delivery::Close(victim));
out.extend(self.leave(victim, LeaveReason::Kicked(me)));
out.push(Delivery::Send(id, Event::Ok));
