//! Lab 2 grader (labs/02-listen-iterative): socket, SO_REUSEADDR, bind, listen with a real
//! backlog, and the iterative server's accept loop.

mod lab_common;

use lab_common::*;
use nix::sys::signal::Signal;
use std::io::Read;
use std::time::Duration;

#[test]
fn lab02_listens_and_echoes() {
    let mut steps = Steps::new("lab02_listens_and_echoes");
    steps.step("start echo-server --model iterative --listen 127.0.0.1:0");
    let server = start("echo-server", &["--model", "iterative"]);
    steps.step("connect, send `hello`, read the echo");
    let got = connect(&server).map(|mut c| round_trip(&mut c, b"hello\n", 6));
    let got = got.unwrap_or_else(|e| format!("connect: {e}"));
    steps.expect(
        got == "\"hello\\n\"",
        "\"hello\\n\"",
        &got,
        "\"hello\\n\"",
        "lecture « Bind & Listen » and « Serveur »: socket, bind, listen, then accept in a loop",
    );
}

#[test]
fn lab02_second_client_waits_in_the_backlog() {
    let mut steps = Steps::new("lab02_second_client_waits_in_the_backlog");
    steps.step("start echo-server --model iterative");
    let server = start("echo-server", &["--model", "iterative"]);
    steps.step("client A connects and is echoed");
    let mut a = connect(&server).expect("connect A");
    let got = round_trip(&mut a, b"A\n", 2);
    steps.expect(got == "\"A\\n\"", "\"A\\n\"", &got, "\"A\\n\"", "A is served");
    steps.step("client B connects (the kernel completes the handshake) and sends `B`");
    let b = connect(&server);
    steps.expect(
        b.is_ok(),
        "connect B",
        &format!("{b:?}"),
        "connected",
        "connect succeeds once the SYN sits in the listen backlog",
    );
    let mut b = b.expect("checked");
    let _ = b.set_read_timeout(Some(Duration::from_millis(500)));
    use std::io::Write;
    let _ = b.write_all(b"B\n");
    let mut buf = [0u8; 16];
    let early = b.read(&mut buf);
    steps.expect(
        early.is_err(),
        "\"B\\n\" while A is still connected",
        &format!("{early:?}"),
        "no answer yet (a read timeout): one client at a time",
        "an iterative server serves A until A leaves; B waits in the backlog, accepted by the \
         kernel but not yet by the server (ss -lnt shows Recv-Q 1)",
    );
    steps.step("A leaves; B's line is now echoed");
    drop(a);
    let _ = b.set_read_timeout(Some(Duration::from_secs(5)));
    let got = round_trip(&mut b, b"", 2);
    steps.expect(
        got == "\"B\\n\"",
        "(nothing more)",
        &got,
        "\"B\\n\"",
        "the loop accepts B once A is done",
    );
}

#[test]
fn lab02_rebinds_at_once_after_a_stop() {
    let mut steps = Steps::new("lab02_rebinds_at_once_after_a_stop");
    steps.step("start echo-server --model iterative, connect a client");
    let mut server = start("echo-server", &["--model", "iterative"]);
    let addr = server.addr.clone();
    let mut c = connect(&server).expect("connect");
    round_trip(&mut c, b"x\n", 2);
    steps.step("stop the server (SIGTERM): it closes first, so its side of the connection goes to TIME_WAIT");
    server.signal_and_wait(Signal::SIGTERM);
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    drop(c);
    steps.step(&format!("start a new server on the same address, {addr}"));
    let bin = tests::bin("echo-server");
    let out = std::process::Command::new(&bin)
        .args(["--model", "iterative", "--listen", &addr])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut second = match out {
        Ok(child) => child,
        Err(e) => panic!("spawn echo-server: {e}"),
    };
    let mut line = String::new();
    if let Some(stdout) = second.stdout.take() {
        use std::io::BufRead;
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
    }
    let _ = second.kill();
    let output = second.wait_with_output();
    let err = output
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .unwrap_or_default();
    steps.expect(
        line.starts_with("listening on"),
        &format!("bind {addr} again"),
        &format!("stdout {line:?}, stderr {:?}", err.trim()),
        "`listening on …`: the restart binds at once",
        "a connection in TIME_WAIT holds the port for 60 s; setsockopt(SO_REUSEADDR) before bind \
         lets a restarted server listen at once (ss -tan state time-wait)",
    );
}

#[test]
fn lab02_burst_fits_the_backlog() {
    let mut steps = Steps::new("lab02_burst_fits_the_backlog");
    steps.step("start echo-server --model epoll (the listener is the same for every model)");
    let server = start("echo-server", &["--model", "epoll"]);
    steps.step("50 clients connect at once; how many SYNs had to be sent again?");
    let result = probe(&["burst", &server.addr, "--clients", "50"]);
    let got = match &result {
        Ok(r) => format!(
            "{} retransmitted, {} without echo",
            num(r, "retransmitted"),
            num(r, "no_echo")
        ),
        Err(e) => e.clone(),
    };
    steps.expect(
        result
            .as_ref()
            .is_ok_and(|r| num(r, "retransmitted") == 0 && num(r, "no_echo") == 0),
        "50 connects at once",
        &got,
        "0 retransmitted: the accept queue holds the burst",
        "listen(fd, backlog) sizes the queue of connections the kernel completed and the server \
         has not accepted yet; the lecture's listen(sock, 2) overflows at the third SYN, which the \
         client resends after 1 s, 3 s... (docs/bugs.md, backlog-2)",
    );
}
