//! Lab 12 grader (labs/12-idle-timers): `chat-server --idle-kick SECS` warns a silent member
//! `* you will be disconnected in N s`, then disconnects it, with the reactor's timers
//! (`Ctx::set_timer`); any line restarts the countdown.

mod lab_common;

use lab_common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tests::Server;

/// `--idle-kick 5`: the warning comes after 3 s of silence, the kick 2 s later. An odd
/// delay, so that `after - warning` (3 s) and `warning` (2 s) differ.
const KICK: &str = "5";
const WARNING: &str = "* you will be disconnected in 2 s";

struct Member {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Member {
    fn join(server: &Server) -> Member {
        let writer = TcpStream::connect(&server.addr).expect("connect");
        let _ = writer.set_read_timeout(Some(Duration::from_secs(8)));
        let mut m = Member {
            reader: BufReader::new(writer.try_clone().expect("clone")),
            writer,
        };
        m.line(); // the welcome
        m
    }

    fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end().to_string()),
        }
    }

    /// Send `/list` every 300 ms for `how_long`: the lines other than its answer, and
    /// whether the server closed the connection meanwhile.
    fn keep_talking(&mut self, how_long: Duration) -> (Vec<String>, bool) {
        let started = Instant::now();
        let mut seen = Vec::new();
        while started.elapsed() < how_long {
            let _ = self.writer.write_all(b"/list\n");
            let (lines, eof) = self.lines_until_quiet(Duration::from_millis(300));
            seen.extend(lines.into_iter().filter(|l| l != "* members: guest-1"));
            if eof {
                return (seen, true);
            }
        }
        (seen, false)
    }

    /// Every line until EOF or a read timeout.
    fn lines_until_quiet(&mut self, quiet: Duration) -> (Vec<String>, bool) {
        let _ = self.writer.set_read_timeout(Some(quiet));
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return (lines, true),
                Ok(_) => lines.push(line.trim_end().to_string()),
                Err(_) => return (lines, false),
            }
        }
    }
}

#[test]
fn lab12_idle_member_warned_then_kicked() {
    let mut steps = Steps::new("lab12_idle_member_warned_then_kicked");
    for model in ["select", "epoll"] {
        steps.step(&format!(
            "[{model}] start chat-server --idle-kick {KICK}; guest-1 joins and stays silent"
        ));
        let server = start("chat-server", &["--model", model, "--idle-kick", KICK]);
        let mut silent = Member::join(&server);
        let started = Instant::now();
        steps.step(&format!("[{model}] guest-2 joins and says something every 300 ms"));
        let mut talker = Member::join(&server);
        steps.step(&format!("[{model}] read guest-1's lines until its connection closes"));
        let mut seen = Vec::new();
        let mut closed = false;
        let mut warned_at = None;
        while started.elapsed() < Duration::from_secs(10) {
            let _ = talker.writer.write_all(b"tick\n");
            let (lines, eof) = silent.lines_until_quiet(Duration::from_millis(300));
            if warned_at.is_none() && lines.iter().any(|l| l == WARNING) {
                warned_at = Some(started.elapsed());
            }
            seen.extend(lines);
            if eof {
                closed = true;
                break;
            }
        }
        let kicked_at = started.elapsed();
        seen.retain(|l| l != "[guest-2] tick" && l != "* guest-2 joined");
        steps.expect(
            closed && seen == [WARNING],
            &format!("nothing from guest-1 for {KICK} s"),
            &format!(
                "lines {seen:?}, then {}",
                if closed { "EOF" } else { "still open after 10 s" }
            ),
            &format!("[{WARNING:?}], then EOF"),
            "set_timer(after - warning, WARN) when the member joins; when WARN fires, send the \
             warning and set_timer(warning, KICK); when KICK fires, leave the room and close \
             (reactor/src/timer.rs: the earliest deadline is the timeout of the next epoll_wait)",
        );
        steps.step(&format!("[{model}] when did the warning and the kick come?"));
        let warned = warned_at.unwrap_or_default().as_secs_f64();
        let kicked = kicked_at.as_secs_f64();
        steps.expect(
            (2.5..4.0).contains(&warned) && (4.5..7.0).contains(&kicked),
            &format!("nothing from guest-1 for {KICK} s"),
            &format!("the warning after {warned:.1} s, the kick after {kicked:.1} s"),
            "the warning after 3 s of silence, the kick 2 s later (5 s)",
            "--idle-kick 5 warns `warning` (2 s) before the kick: set_timer(after - warning, \
             WARN), then, when it fires, set_timer(warning, KICK) (not after, not after + \
             warning, not warning then warning)",
        );
        steps.step(&format!("[{model}] guest-2 is told why guest-1 left"));
        let (lines, _) = talker.lines_until_quiet(Duration::from_millis(500));
        steps.expect(
            lines.iter().any(|l| l == "* guest-1 left (idle timeout)"),
            "(guest-2 kept talking)",
            &format!("{lines:?}"),
            "`* guest-1 left (idle timeout)` among them",
            "the kick goes through the room: Chat::leave(id, LeaveReason::IdleTimeout)",
        );
    }
}

#[test]
fn lab12_active_member_never_warned() {
    let mut steps = Steps::new("lab12_active_member_never_warned");
    for model in ["select", "epoll"] {
        steps.step(&format!(
            "[{model}] start chat-server --idle-kick {KICK}; guest-1 joins"
        ));
        let server = start("chat-server", &["--model", model, "--idle-kick", KICK]);
        let mut active = Member::join(&server);
        steps.step(&format!(
            "[{model}] guest-1 sends a line every 300 ms for 6 s (longer than {KICK} s)"
        ));
        let (seen, closed) = active.keep_talking(Duration::from_secs(6));
        steps.expect(
            !closed && seen.is_empty(),
            "/list every 300 ms",
            &format!(
                "other lines {seen:?}; connection {}",
                if closed { "closed" } else { "open" }
            ),
            "no warning, still connected",
            "every line restarts the countdown: cancel the pending timer (Ctx::cancel_timer) \
             before setting a new one, or the old one still fires",
        );
    }
}

#[test]
fn lab12_warning_in_json() {
    let mut steps = Steps::new("lab12_warning_in_json");
    steps.step(&format!(
        "start chat-server --model epoll --protocol json --idle-kick {KICK}"
    ));
    let server = start(
        "chat-server",
        &["--model", "epoll", "--protocol", "json", "--idle-kick", KICK],
    );
    let mut silent = Member::join(&server);
    steps.step("stay silent; read the next line");
    let got = silent.line().unwrap_or_else(|| "(EOF or nothing in 8 s)".into());
    let want = r#"{"event":"idle_warning","seconds":2}"#;
    steps.expect(
        got == want,
        "nothing",
        &got,
        want,
        "docs/chat-protocol.md: events in JSON",
    );
}

#[test]
fn lab12_member_who_speaks_after_the_warning_stays() {
    let mut steps = Steps::new("lab12_member_who_speaks_after_the_warning_stays");
    steps.step(&format!(
        "start chat-server --model epoll --idle-kick {KICK}; guest-1 joins"
    ));
    let server = start("chat-server", &["--model", "epoll", "--idle-kick", KICK]);
    let mut member = Member::join(&server);
    steps.step("stay silent until the warning");
    let got = member.line().unwrap_or_else(|| "(EOF or nothing in 8 s)".into());
    steps.expect(got == WARNING, "nothing", &got, WARNING, "the member is warned first");
    steps.step("answer at once, then send `/list` every 300 ms for 3 s (past the kick time)");
    let (seen, closed) = member.keep_talking(Duration::from_secs(3));
    steps.expect(
        !closed && seen.is_empty(),
        "a line right after the warning, then one every 300 ms",
        &format!(
            "other lines {seen:?}; connection {}",
            if closed { "closed: kicked" } else { "open" }
        ),
        "still connected, no other line",
        "a line after the warning restarts the countdown too: the pending timer is now the KICK \
         timer, so keep its key (self.timers) when you set it, and cancel it on activity",
    );
}
