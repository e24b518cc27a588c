// A wrong lab 9: the new topic is announced to the others only ("the setter knows it
// already"); the statement says everyone is told, the setter too (then `ok`).
// EXPECT: everyone is told, the setter too
// REGION: /topic: ask for the topic, or set it for everyone
let Some(text) = text else {
    let (by, text) = self.topic.clone().unzip();
    return out.push(Delivery::Send(id, Event::Topic { text, by }));
};
self.topic = Some((me.clone(), text.clone()));
let changed = Event::TopicChanged { by: me, text };
for &member in self.members.keys().filter(|&&m| m != id) {
    out.push(Delivery::Send(member, changed.clone()));
}
out.push(Delivery::Send(id, Event::Ok));
