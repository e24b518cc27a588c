// A wrong-but-plausible lab 9 (CI checks the grader fails it): anyone may kick, and the
// kicked member is only removed from the room, never told nor closed.
// EXPECT: the operator is the member present the longest
// REGION: /kick: the operator sends a member away
let Some(&victim) = self.owners.get(&nick::key(&target)) else {
    return out.push(Delivery::Send(id, Event::error(format!("no such member: {target}"))));
};
out.extend(self.leave(victim, LeaveReason::Kicked(me)));
out.push(Delivery::Send(id, Event::Ok));
