//! The checks labs 5 (select) and 6 (poll) share: a backend serves the echo server.

use super::*;

/// One client, one line.
pub fn echo(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    steps.step("connect, send `hello`, read the echo");
    let got = connect(&server).map(|mut c| round_trip(&mut c, b"hello\n", 6));
    let got = got.unwrap_or_else(|e| format!("connect: {e}"));
    steps.expect(
        got == "\"hello\\n\"",
        "\"hello\\n\"",
        &got,
        "\"hello\\n\"",
        &format!("the {model} backend reports the listener and then the client readable"),
    );
}

/// Ten clients connected; the last one speaks first: its fd is not the first in the set.
pub fn side_by_side(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    steps.step("connect ten clients and keep them open");
    let mut clients: Vec<_> = (0..10).filter_map(|_| connect(&server).ok()).collect();
    steps.expect(
        clients.len() == 10,
        "10 connects",
        &format!("{}", clients.len()),
        "10",
        "the listener accepts",
    );
    steps.step("the last client first: each sends a line and reads its echo");
    for (i, c) in clients.iter_mut().enumerate().rev() {
        let line = format!("client {i}\n");
        let got = round_trip(c, line.as_bytes(), line.len());
        steps.expect(
            got == format!("{line:?}"),
            &format!("{line:?} from client {i}"),
            &got,
            "the same line back",
            &format!(
                "every watched fd must be looked at after {model}(2) returns: its return value \
                 counts the ready fds, it does not say where they are (FD_ISSET / revents on each)"
            ),
        );
    }
}

/// 256 KiB in one burst.
pub fn burst(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    steps.step("send 262144 bytes, half-close, read the echo");
    let result = probe(&["big-echo", &server.addr, "--bytes", "262144", "--idle", "2000"]);
    let got = match &result {
        Ok(r) => format!("{} bytes", num(r, "received")),
        Err(e) => e.clone(),
    };
    steps.expect(
        result.as_ref().is_ok_and(|r| num(r, "received") == 262144),
        "262144 bytes",
        &got,
        "262144 bytes",
        "WRITABLE is asked for while output is pending and reported (rule 3): the echo drains",
    );
}

/// 1100 idle clients: returns the probe's result and whether the server is alive after.
pub fn crowd(steps: &mut Steps, model: &str) -> (Result<HashMap<String, String>, String>, bool) {
    steps.step(&format!("start echo-server --model {model} --max-connections 2000"));
    let mut server = start("echo-server", &["--model", model, "--max-connections", "2000"]);
    steps.step("first, one client echoes (a crowd would only wait longer on a broken loop)");
    let got = connect(&server).map(|mut c| round_trip(&mut c, b"first\n", 6));
    let got = got.unwrap_or_else(|e| format!("connect: {e}"));
    steps.expect(
        got == "\"first\\n\"",
        "\"first\\n\"",
        &got,
        "\"first\\n\"",
        "the backend serves one client",
    );
    steps.step("connect 1100 idle clients (fds past 1023 in the server), then echo on the first");
    let result = tests::bug_probe_crowd(&server, 1100, 500);
    std::thread::sleep(Duration::from_millis(200));
    (result, alive(&mut server))
}
