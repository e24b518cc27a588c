// A wrong lab 9 (tried on the finished grader, as a student would): `/topic` without text
// answers every member instead of the asker alone: the others read a line they never asked
// for.
// EXPECT: everyone is told, the setter too
// REGION: /topic: ask for the topic, or set it for everyone
let Some(text) = text else {
    let (by, text) = self.topic.clone().unzip();
    for &member in self.members.keys() {
        out.push(Delivery::Send(member, Event::Topic { text: text.clone(), by: by.clone() }));
    }
    return;
};
self.topic = Some((me.clone(), text.clone()));
let changed = Event::TopicChanged { by: me, text };
for &member in self.members.keys() {
    out.push(Delivery::Send(member, changed.clone()));
}
out.push(Delivery::Send(id, Event::Ok));
