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
fn lab02_client_done_gets_eof_and_the_server_goes_on() {
    let mut steps = Steps::new("lab02_client_done_gets_eof_and_the_server_goes_on");
    steps.step("start echo-server --model iterative");
    let server = start("echo-server", &["--model", "iterative"]);
    steps.step("a client echoes `one`, half-closes (shutdown SHUT_WR) and waits for the server's EOF");
    let mut c = connect(&server).expect("connect");
    round_trip(&mut c, b"one\n", 4);
    let _ = c.shutdown(std::net::Shutdown::Write);
    let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
    let eof = matches!(c.read(&mut [0u8; 64]), Ok(0));
    steps.expect(
        eof,
        "`one`, then FIN",
        "no EOF within 2 s: the client never sees EOF",
        "EOF: the server closes its socket once the client is done",
        "when serve returns, drop (close) the client's socket before accepting the next: kept \
         open, the client never sees EOF and the server leaks one descriptor per client",
    );
    steps.step("a second client connects, sends a line, then resets (SO_LINGER 0, close)");
    let reset = connect(&server).expect("connect");
    let _ = std::io::Write::write_all(&mut &reset, b"bye\n");
    std::thread::sleep(Duration::from_millis(100));
    let linger = nix::sys::socket::sockopt::Linger;
    let zero = nix::libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    let _ = nix::sys::socket::setsockopt(&reset, linger, &zero);
    drop(reset);
    std::thread::sleep(Duration::from_millis(200));
    steps.step("a third client must still be served");
    let got = connect(&server).map(|mut c| round_trip(&mut c, b"three\n", 6));
    let got = got.unwrap_or_else(|e| format!("connect: {e}"));
    steps.expect(
        got == "\"three\\n\"",
        "\"three\\n\"",
        &got,
        "\"three\\n\"",
        "a client that resets (ECONNRESET) is an ordinary event: log the session's error and go \
         on accepting; propagating it with `?` ends the loop and the server with it",
    );
}

#[test]
fn lab02_listens_on_ipv6() {
    let mut steps = Steps::new("lab02_listens_on_ipv6");
    steps.step("echo-server --model iterative --listen [::1]:0");
    let mut child = std::process::Command::new(tests::bin("echo-server"))
        .args(["--model", "iterative", "--listen", "[::1]:0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn echo-server");
    let lines = tests::output_lines(&mut child);
    let mut said = Vec::new();
    let addr = loop {
        match lines.recv_timeout(Duration::from_secs(5)) {
            Ok(line) => match line.strip_prefix("listening on ") {
                Some(addr) => break Some(addr.to_string()),
                None => said.push(line),
            },
            Err(_) => break None,
        }
    };
    let got = addr.as_deref().map(|addr| match std::net::TcpStream::connect(addr) {
        Ok(mut c) => {
            let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
            round_trip(&mut c, b"six\n", 4)
        }
        Err(e) => format!("connect {addr}: {e}"),
    });
    let _ = child.kill();
    let _ = child.wait();
    steps.expect(
        got.as_deref() == Some("\"six\\n\""),
        "\"six\\n\" to [::1]",
        &got.unwrap_or_else(|| format!("no `listening on` line; the server said {said:?}")),
        "`listening on [::1]:PORT`, then the echo",
        "an IPv6 address needs an AF_INET6 socket: choose the family from the address \
         (AddressFamily::Inet6 when it is not IPv4), or bind(2) fails",
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
