//! Unit tests of the room: every rule of the protocol, with no socket.

use super::*;

fn send(to: MemberId, event: Event) -> Delivery {
    Delivery::Send(to, event)
}

fn nick(n: &str) -> String {
    n.to_string()
}

/// A room with members 1, 2, 3 (guest-1, guest-2, guest-3).
fn room_of_three() -> Room {
    let mut room = Room::new();
    for id in 1..=3 {
        room.join(id);
    }
    room
}

#[test]
fn join_welcomes_and_tells_the_others() {
    let mut room = Room::new();
    assert_eq!(room.join(1), [send(1, Event::Welcome { nick: nick("guest-1") })]);
    assert_eq!(
        room.join(2),
        [
            send(2, Event::Welcome { nick: nick("guest-2") }),
            send(1, Event::Joined { nick: nick("guest-2") })
        ]
    );
    assert!(room.join(2).is_empty(), "joining twice changes nothing");
}

#[test]
fn a_message_reaches_every_other_member_once() {
    let mut room = room_of_three();
    let out = room.command(2, Command::Say("hi".into()));
    let message = Event::Message {
        from: nick("guest-2"),
        text: "hi".into(),
    };
    assert_eq!(out, [send(1, message.clone()), send(3, message), send(2, Event::Ok)]);
}

#[test]
fn nick_changes_are_checked_and_announced_to_everyone() {
    let mut room = room_of_three();
    let renamed = Event::Renamed {
        old: nick("guest-1"),
        new: nick("Alice"),
    };
    let out = room.command(1, Command::Nick("Alice".into()));
    assert_eq!(
        out,
        [
            send(1, renamed.clone()),
            send(2, renamed.clone()),
            send(3, renamed),
            send(1, Event::Ok)
        ]
    );
    let taken = room.command(2, Command::Nick("ALICE".into()));
    assert_eq!(taken, [send(2, Event::error("nick taken: ALICE"))]);
    let invalid = room.command(2, Command::Nick("no way".into()));
    assert!(
        matches!(&invalid[..], [Delivery::Send(2, Event::Error(_))]),
        "{invalid:?}"
    );
    // Changing only the case of one's own nick is allowed.
    assert_eq!(room.command(1, Command::Nick("alice".into())).len(), 4);
    assert_eq!(room.nick(1), Some("alice"));
}

#[test]
fn a_freed_nick_can_be_taken_and_guest_names_skip_taken_ones() {
    let mut room = room_of_three();
    room.command(1, Command::Nick("guest-4".into()));
    assert_eq!(room.join(4)[0], send(4, Event::Welcome { nick: nick("guest-5") }));
    room.leave(1, LeaveReason::ConnectionLost);
    assert_eq!(room.command(2, Command::Nick("guest-4".into())).len(), 4);
}

#[test]
fn list_is_sorted_and_only_for_the_asker() {
    let mut room = room_of_three();
    room.command(3, Command::Nick("Bob".into()));
    room.command(1, Command::Nick("zed".into()));
    let out = room.command(2, Command::List);
    assert_eq!(
        out,
        [send(2, Event::Members(vec![nick("Bob"), nick("guest-2"), nick("zed")]))]
    );
}

#[test]
fn private_messages_go_to_one_member() {
    let mut room = room_of_three();
    room.command(3, Command::Nick("carol".into()));
    let out = room.command(
        1,
        Command::Msg {
            to: "Carol".into(),
            text: "psst".into(),
        },
    );
    let private = Event::Private {
        from: nick("guest-1"),
        text: "psst".into(),
    };
    assert_eq!(out, [send(3, private), send(1, Event::Ok)]);
    let unknown = room.command(
        1,
        Command::Msg {
            to: "nobody".into(),
            text: "x".into(),
        },
    );
    assert_eq!(unknown, [send(1, Event::error("no such member: nobody"))]);
}

#[test]
fn me_is_an_action_for_the_others() {
    let mut room = room_of_three();
    let out = room.command(1, Command::Me("waves".into()));
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0],
        send(
            2,
            Event::Action {
                from: nick("guest-1"),
                text: "waves".into()
            }
        )
    );
}

#[test]
fn quit_says_bye_closes_and_tells_the_others_once() {
    let mut room = room_of_three();
    let out = room.command(2, Command::Quit(Some("lunch".into())));
    let left = Event::Left {
        nick: nick("guest-2"),
        reason: "lunch".into(),
    };
    assert_eq!(
        out,
        [
            send(2, Event::Bye),
            Delivery::Close(2),
            send(1, left.clone()),
            send(3, left)
        ]
    );
    assert!(
        room.leave(2, LeaveReason::ConnectionLost).is_empty(),
        "the close that follows is silent"
    );
    assert!(
        room.command(2, Command::Say("ghost".into())).is_empty(),
        "a member that quit is not heard"
    );
}

#[test]
fn leave_reasons_are_shown_to_the_others() {
    let mut room = room_of_three();
    let out = room.leave(1, LeaveReason::TooSlow);
    assert_eq!(
        out[0],
        send(
            2,
            Event::Left {
                nick: nick("guest-1"),
                reason: "too slow".into()
            }
        )
    );
    let out = room.leave(2, LeaveReason::ConnectionLost);
    assert_eq!(
        out,
        [send(
            3,
            Event::Left {
                nick: nick("guest-2"),
                reason: "connection lost".into()
            }
        )]
    );
    assert_eq!(room.len(), 1);
}

#[test]
fn refusals_go_to_the_sender_only() {
    let room = room_of_three();
    assert_eq!(
        room.refuse(2, "line too long"),
        [send(2, Event::error("line too long"))]
    );
    assert!(room.refuse(9, "x").is_empty());
}

#[test]
fn only_the_operator_kicks_and_the_kicked_member_is_closed() {
    let mut room = room_of_three();
    let refused = room.command(2, Command::Kick("guest-3".into()));
    assert_eq!(
        refused,
        [send(2, Event::error("only the operator (guest-1) may /kick"))]
    );
    let out = room.command(1, Command::Kick("GUEST-3".into()));
    let left = Event::Left {
        nick: nick("guest-3"),
        reason: "kicked by guest-1".into(),
    };
    assert_eq!(
        out,
        [
            send(3, Event::Kicked { by: nick("guest-1") }),
            Delivery::Close(3),
            send(1, left.clone()),
            send(2, left),
            send(1, Event::Ok)
        ]
    );
    assert_eq!(room.len(), 2);
    assert!(room.command(1, Command::Kick("guest-1".into()))[0] == send(1, Event::error("you cannot kick yourself")));
    assert!(room.command(1, Command::Kick("nobody".into()))[0] == send(1, Event::error("no such member: nobody")));
}

#[test]
fn the_next_oldest_member_becomes_operator() {
    let mut room = room_of_three();
    room.leave(1, LeaveReason::ConnectionLost);
    assert_eq!(room.operator(), Some(2));
    room.join(4);
    room.leave(2, LeaveReason::ConnectionLost);
    assert_eq!(room.operator(), Some(3));
}

#[test]
fn topic_is_asked_then_set_for_everyone() {
    let mut room = room_of_three();
    let none = Event::Topic { text: None, by: None };
    assert_eq!(room.command(2, Command::Topic(None)), [send(2, none)]);
    let out = room.command(2, Command::Topic(Some("labs".into())));
    let changed = Event::TopicChanged {
        by: nick("guest-2"),
        text: "labs".into(),
    };
    assert_eq!(
        out,
        [
            send(1, changed.clone()),
            send(2, changed.clone()),
            send(3, changed),
            send(2, Event::Ok)
        ]
    );
    let topic = Event::Topic {
        text: Some("labs".into()),
        by: Some(nick("guest-2")),
    };
    assert_eq!(room.command(3, Command::Topic(None)), [send(3, topic)]);
}
