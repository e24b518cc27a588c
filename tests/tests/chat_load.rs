//! Black-box load tests of `chat-server`: a hundred members talking at once, and a member
//! that never reads, on every model that can host a room.
//!
//! The test's own members read concurrently (a thread each), so the test never becomes the
//! slow consumer it is looking for. No timing is asserted: the deadlines (socket timeouts)
//! only turn a hang into a failure.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use tests::{connect_tcp, connect_unix, Server, TempDir, CONCURRENT_MODELS};

const MEMBERS: usize = 100;
const MESSAGES: usize = 20;

/// Read one line (without the newline) or fail, naming the model.
fn read_line(reader: &mut impl BufRead, model: &str) -> String {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) => panic!("[{model}] EOF while waiting for a line"),
        Ok(_) => line.trim_end_matches('\n').to_string(),
        Err(e) => panic!("[{model}] reading a line: {e}"),
    }
}

fn is_join(line: &str) -> bool {
    line.starts_with("* guest-") && line.ends_with(" joined")
}

#[test]
fn a_hundred_members_each_receive_every_other_members_messages_once_in_order() {
    tests::raise_nofile(4096);
    for &model in CONCURRENT_MODELS {
        let server = Server::start("chat-server", &["--model", model, "--listen", "127.0.0.1:0"]);
        // Join one by one, each welcomed before the next connects: all are members before
        // anybody talks, so every message has 99 recipients.
        let mut members = Vec::new();
        for i in 1..=MEMBERS {
            let stream = connect_tcp(&server.addr);
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            assert_eq!(
                read_line(&mut reader, model),
                format!("* welcome, you are guest-{i}"),
                "[{model}]"
            );
            members.push((i, stream, reader));
        }
        let barrier = Arc::new(Rendezvous::default());
        let threads: Vec<_> = members
            .into_iter()
            .map(|(i, stream, reader)| {
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || talk_and_listen(model, i, stream, reader, &barrier))
            })
            .collect();
        for t in threads {
            if let Err(panic) = t.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

/// Send our 20 messages, then read until the 99 × 20 others' have arrived, checking the
/// order per sender; then `/list` proves nothing more (no duplicate) was queued for us.
/// Nobody leaves before everybody has checked (`barrier`): a "left" line would be extra.
fn talk_and_listen(
    model: &str,
    me: usize,
    mut stream: std::net::TcpStream,
    mut reader: impl BufRead,
    barrier: &Rendezvous,
) {
    let batch: String = (0..MESSAGES).map(|k| format!("message {k} of guest-{me}\n")).collect();
    stream.write_all(batch.as_bytes()).expect("write");
    let mut next: HashMap<usize, usize> = HashMap::new();
    let expected = (MEMBERS - 1) * MESSAGES;
    let mut received = 0;
    while received < expected {
        let line = read_line(&mut reader, model);
        if is_join(&line) {
            continue;
        }
        let (sender, k) = parse_message(&line).unwrap_or_else(|| panic!("[{model}] guest-{me} got {line:?}"));
        assert_ne!(sender, me, "[{model}] guest-{me} received its own message");
        let want = next.entry(sender).or_insert(0);
        assert_eq!(
            k, *want,
            "[{model}] guest-{me}: messages of guest-{sender} out of order"
        );
        *want += 1;
        received += 1;
    }
    assert_eq!(
        next.len(),
        MEMBERS - 1,
        "[{model}] guest-{me} heard from every other member"
    );
    barrier.wait(0, model); // every message of every member has been delivered and counted
    stream.write_all(b"/list\n").expect("write");
    let reply = read_line(&mut reader, model);
    assert!(
        reply.starts_with("* members: "),
        "[{model}] guest-{me}: extra line {reply:?}"
    );
    barrier.wait(1, model);
}

/// A barrier that fails instead of hanging when a member thread panicked before it.
#[derive(Default)]
struct Rendezvous {
    arrived: [AtomicUsize; 2],
}

impl Rendezvous {
    fn wait(&self, phase: usize, model: &str) {
        self.arrived[phase].fetch_add(1, Ordering::SeqCst);
        let deadline = Instant::now() + tests::STEP;
        while self.arrived[phase].load(Ordering::SeqCst) < MEMBERS {
            assert!(Instant::now() < deadline, "[{model}] another member never got there");
            thread::sleep(Duration::from_millis(2));
        }
    }
}

/// `[guest-7] message 3 of guest-7` -> (7, 3), checking the sender named in both places.
fn parse_message(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("[guest-")?;
    let (sender, rest) = rest.split_once("] message ")?;
    let (k, author) = rest.split_once(" of guest-")?;
    (sender == author).then_some(())?;
    Some((sender.parse().ok()?, k.parse().ok()?))
}

#[test]
fn a_member_that_never_reads_is_dropped_and_the_others_keep_talking() {
    for &model in CONCURRENT_MODELS {
        // UNIX sockets: their kernel buffers are small and fixed, so the slow member's
        // backlog reaches the server's limit after well under a megabyte.
        let dir = TempDir::new("chat-slow");
        let path = dir.path().join("chat.sock");
        let mut server = Server::start(
            "chat-server",
            &["--model", model, "--unix", path.to_str().expect("path")],
        );
        let mut slow = connect_unix(&path);
        let mut slow_reader = BufReader::new(slow.try_clone().expect("clone"));
        assert_eq!(read_line(&mut slow_reader, model), "* welcome, you are guest-1");
        slow.write_all(b"/nick slow\n").expect("write");
        assert_eq!(read_line(&mut slow_reader, model), "* guest-1 is now known as slow");
        // From now on `slow` reads nothing.

        let observer = connect_unix(&path);
        let mut observer_reader = BufReader::new(observer.try_clone().expect("clone"));
        assert_eq!(read_line(&mut observer_reader, model), "* welcome, you are guest-2");
        let mut talker = connect_unix(&path);
        let received = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicBool::new(false));
        let flood = {
            let (received, dropped) = (Arc::clone(&received), Arc::clone(&dropped));
            let talker = talker.try_clone().expect("clone");
            thread::spawn(move || flood_until_dropped(talker, &received, &dropped))
        };
        let mut next = 0;
        loop {
            let line = read_line(&mut observer_reader, model);
            if line == "* slow left (too slow)" {
                dropped.store(true, Ordering::SeqCst);
                break;
            }
            if line.starts_with("* guest-3") {
                continue; // the talker's arrival
            }
            let want = format!("[guest-3] {next:05} ");
            assert!(
                line.starts_with(&want),
                "[{model}] observer expected {want:?}…, got {:.40}",
                line
            );
            next += 1;
            received.store(next, Ordering::SeqCst);
        }
        let sent = flood.join().expect("flood thread");
        assert!(
            sent < FLOOD_LINES,
            "[{model}] the slow member was dropped before the flood ended"
        );
        // The flood lines still in flight arrive, then the room goes on as usual.
        talker.write_all(b"still talking\n").expect("write");
        loop {
            let line = read_line(&mut observer_reader, model);
            if line == "[guest-3] still talking" {
                break;
            }
            assert!(line.starts_with("[guest-3] "), "[{model}] unexpected {line:.40}");
        }
        server.wait_for_log("too slow");
        // The slow member's connection is closed once what was already in flight is read.
        let mut sink = Vec::new();
        let _ = slow_reader.read_to_end(&mut sink);
        drop(observer);
    }
}

/// Lines of the flood: a bound, never reached when the server does its job.
const FLOOD_LINES: usize = 5000;

/// Send 4 KB lines in batches of 16, each batch only once the observer has read the
/// previous one (so the observer is never the slow one), until the slow member is dropped.
fn flood_until_dropped(mut talker: impl Write, received: &AtomicUsize, dropped: &AtomicBool) -> usize {
    let filler = "x".repeat(4000);
    let mut sent = 0;
    while sent < FLOOD_LINES && !dropped.load(Ordering::SeqCst) {
        let batch: String = (sent..sent + 16).map(|n| format!("{n:05} {filler}\n")).collect();
        talker.write_all(batch.as_bytes()).expect("flood write");
        sent += 16;
        let deadline = Instant::now() + tests::STEP;
        while received.load(Ordering::SeqCst) < sent && !dropped.load(Ordering::SeqCst) {
            if Instant::now() > deadline {
                return sent; // the observer failed; its thread reports why
            }
            thread::sleep(Duration::from_millis(1));
        }
    }
    sent
}
