//! Lab 4 grader (labs/04-thread-capped): a thread per client, at most `--max-connections`,
//! the next clients told why and closed, finished threads joined.

mod bugs_common;
mod lab_common;

use bugs_common::settle;
use lab_common::*;
use std::io::Read;
use std::time::Duration;

#[test]
fn lab04_clients_served_side_by_side() {
    let mut steps = Steps::new("lab04_clients_served_side_by_side");
    steps.step("start echo-server --model thread");
    let server = start("echo-server", &["--model", "thread"]);
    steps.step("connect five clients and keep them open");
    let mut clients: Vec<_> = (0..5).map_while(|_| connect(&server).ok()).collect();
    steps.expect(
        clients.len() == 5,
        "5 connects",
        &format!("{} connected", clients.len()),
        "5",
        "the listener accepts",
    );
    steps.step("the last one first: each sends a line and reads its echo");
    for (i, c) in clients.iter_mut().enumerate().rev() {
        let line = format!("client {i}\n");
        let got = round_trip(c, line.as_bytes(), line.len());
        steps.expect(
            got == format!("{line:?}"),
            &format!("{line:?}"),
            &got,
            "the same line back while the other four stay connected",
            "lecture « Serveur multi-thread » : pthread_create per client, so no client waits for \
             another; the main thread must go back to accept at once (a join right after the \
             spawn waits for that client to leave)",
        );
    }
}

#[test]
fn lab04_cap_refuses_politely() {
    let mut steps = Steps::new("lab04_cap_refuses_politely");
    steps.step("start echo-server --model thread --max-connections 50");
    let server = start("echo-server", &["--model", "thread", "--max-connections", "50"]);
    steps.step("connect 200 clients and keep them open");
    let mut clients: Vec<_> = (0..200).map_while(|_| connect(&server).ok()).collect();
    steps.expect(
        clients.len() == 200,
        "200 connects",
        &format!("{} connected", clients.len()),
        "200",
        "the backlog holds them",
    );
    std::thread::sleep(Duration::from_millis(300));
    let peak = threads(server.pid());
    steps.step("count the server's threads (grep Threads /proc/PID/status)");
    steps.expect(
        peak <= 51,
        "200 connections against --max-connections 50",
        &format!("{peak} threads"),
        "at most 51 threads (50 sessions and the main thread)",
        "each thread costs a stack and a kernel task: cap them, or clone(2) fails with EAGAIN and \
         the server dies (docs/bugs.md, thread-per-client-uncapped)",
    );
    steps.step("read what each of the last 150 clients gets: the busy line, then EOF");
    let mut told = 0;
    for c in clients.iter_mut().skip(50) {
        let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
        let mut got = String::new();
        match c.read_to_string(&mut got) {
            Ok(_) if got.contains("too many connections") => told += 1,
            Ok(_) => {}
            Err(_) => break, // no EOF within 2 s: the next ones would wait as long
        }
    }
    steps.expect(
        told == 150,
        "150 connections past the cap",
        &format!("{told} got `server busy: too many connections` and EOF"),
        "all 150",
        "past the cap, say why (one line) and close: a silent accept-and-forget leaves clients hanging",
    );
}

#[test]
fn lab04_threads_end_with_their_clients() {
    let mut steps = Steps::new("lab04_threads_end_with_their_clients");
    steps.step("start echo-server --model thread --max-connections 50");
    let server = start("echo-server", &["--model", "thread", "--max-connections", "50"]);
    steps.step("20 clients connect, echo once, then all close");
    let mut clients: Vec<_> = (0..20).map_while(|_| connect(&server).ok()).collect();
    for c in clients.iter_mut() {
        round_trip(c, b"x\n", 2);
    }
    drop(clients);
    steps.step("wait up to 5 s for the server to be back to one thread (gdb: info threads)");
    let left = settle(|| threads(server.pid()), |&n| n == 1);
    steps.expect(
        left == 1,
        "20 clients, then close",
        &format!("{left} threads"),
        "1 (the main thread)",
        "a session thread ends when its client closes; the main thread joins finished threads",
    );
    steps.step("40 more clients one after another, each echoes then closes (60 in all, cap 50)");
    let mut served = 0;
    for i in 0..40 {
        let line = format!("later {i}\n");
        let ok =
            connect(&server).is_ok_and(|mut c| round_trip(&mut c, line.as_bytes(), line.len()) == format!("{line:?}"));
        served += u32::from(ok);
        std::thread::sleep(Duration::from_millis(5));
    }
    steps.expect(
        served == 40,
        "40 clients one after another, never more than one at a time",
        &format!("{served} of 40 served"),
        "40: at most one session runs at any time",
        "the cap counts live sessions only: forget the handles of finished threads \
         (JoinHandle::is_finished, then join or drop them) before comparing with the cap",
    );
    steps.step("a new client is still served");
    let got = connect(&server).map(|mut c| round_trip(&mut c, b"again\n", 6));
    let got = got.unwrap_or_else(|e| e.to_string());
    steps.expect(
        got == "\"again\\n\"",
        "\"again\\n\"",
        &got,
        "\"again\\n\"",
        "the cap counts live sessions only",
    );
}
