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
    steps.expect_idle(&server);
}

/// Ten clients connected; the last one speaks first: its fd is not the first in the set.
pub fn side_by_side(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    steps.step("connect ten clients and keep them open");
    let mut clients: Vec<_> = (0..10).map_while(|_| connect(&server).ok()).collect();
    steps.expect(
        clients.len() == 10,
        "10 connects",
        &format!("{}", clients.len()),
        "10",
        "the listener accepts",
    );
    steps.step("the last client first: each sends a line and reads its echo");
    let clients_len = clients.len();
    for (i, c) in clients.iter_mut().enumerate().rev() {
        let line = format!("client {i}\n");
        let got = round_trip(c, line.as_bytes(), line.len());
        steps.expect(
            got == format!("{line:?}"),
            &format!("{line:?} from client {i}"),
            &got,
            "the same line back",
            &missed_fd_why(model, i == clients_len - 1),
        );
    }
}

/// Why a client's line was not echoed: the newest client has the highest fd, the one an
/// `nfds` off by one leaves out of select(2)'s scan.
fn missed_fd_why(model: &str, highest: bool) -> String {
    if highest && model == "select" {
        "select returned 0 ready fds although data was waiting on the highest fd (the newest \
         client): is nfds the highest fd + 1? select looks at fds 0..nfds-1 only"
            .to_string()
    } else {
        format!(
            "every watched fd must be looked at after {model}(2) returns: its return value \
             counts the ready fds, it does not say where they are (FD_ISSET / revents on each)"
        )
    }
}

/// 16 MiB in one burst (more than the kernel buffers of both ends hold), read 300 ms late:
/// the server's writes come up short, so WRITABLE must be asked for and reported for the rest
/// to leave.
pub fn burst(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    expect_stream(
        &mut steps,
        &server,
        16 << 20,
        300,
        &format!(
            "the echo stopped short: when a write comes up short the rest waits for WRITABLE; \
             the {model} backend must watch the fd for writing while output is pending \
             ({}) and report it as WRITABLE (rule 3)",
            if model == "select" {
                "FD_SET in the write set"
            } else {
                "POLLOUT in events"
            }
        ),
        WHY_CORRUPT,
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
