//! Lab 13 grader (labs/13-echo-three-ways): the student's own echo server, `lab13-echo
//! --model iterative|fork|thread`, run as a black box over real sockets — correctness (bytes
//! back, binary included, content compared), concurrency (a second client served while the
//! first is idle, except on iterative, which must serve one client at a time), zombies,
//! descriptors, threads, and SIGTERM. After its checks, each test verifies the server is still
//! alive and wrote no panic.

mod bugs_common;
mod lab_common;

use bugs_common::{descendants, fd_count, live_descendants, settle, zombie_children};
use lab_common::{threads, LabServer, Steps};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};
use tests::Server;

const BIN: &str = "lab13-echo";

/// The student's server for one check; its processes (fork children) die with it.
struct Echo {
    server: LabServer,
    model: &'static str,
}

impl Drop for Echo {
    fn drop(&mut self) {
        bugs_common::kill_descendants(self.server.pid());
    }
}

fn start(steps: &mut Steps, model: &'static str) -> Echo {
    steps.step(&format!("start {BIN} --model {model} --listen 127.0.0.1:0"));
    let server = Server::start(BIN, &["--model", model, "--listen", "127.0.0.1:0"]);
    Echo {
        server: LabServer::new(server, BIN),
        model,
    }
}

/// Connect with 5 s timeouts: a stuck server fails the step instead of hanging it.
fn connect(echo: &Echo) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(&echo.server.addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

/// Read until `want` bytes came, the peer closes, or the timeout: what came, and how it ended.
fn read_up_to(stream: &mut TcpStream, want: usize) -> (Vec<u8>, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while got.len() < want {
        match stream.read(&mut buf) {
            Ok(0) => return (got, "then the server closed the connection".into()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (got, "then nothing more came (read timed out)".into())
            }
            Err(e) => return (got, format!("then {e}")),
        }
    }
    (got, String::new())
}

/// Send `data`, read as many bytes back; "ok" or what went wrong.
fn round_trip(stream: &mut TcpStream, data: &[u8]) -> String {
    if let Err(e) = stream.write_all(data) {
        return format!("write failed: {e}");
    }
    let (got, how) = read_up_to(stream, data.len());
    if got == data {
        "ok".into()
    } else {
        format!("{:?} {how}", String::from_utf8_lossy(&got))
    }
}

/// A seeded pseudo-random stream: every byte value, zeros and newlines included.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1357_9bdf;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect()
}

/// After the checks: the server still runs, and nothing it (or a child) wrote is a panic.
fn still_alive_and_panic_free(steps: &mut Steps, echo: &mut Echo) {
    steps.step("the server is still running and wrote no panic on stderr");
    std::thread::sleep(Duration::from_millis(100));
    let log = echo.server.stderr_so_far();
    let panic: Vec<&str> = log.lines().filter(|l| l.contains("panicked")).collect();
    steps.expect(
        panic.is_empty(),
        "the checks above",
        &panic.join(" | "),
        "no panic",
        "the student's code panicked on ordinary input: a todo!() left, an unwrap() on I/O, or \
         an index out of range (the line above says where)",
    );
    let alive = matches!(echo.server.child.try_wait(), Ok(None));
    steps.expect(
        alive,
        "the checks above",
        "the server process has exited",
        "still running, ready for the next client",
        "an error of one client must not end the server: log it and accept the next one",
    );
}

/// One line, one byte at a time, a 256 KiB binary stream, then a second client.
fn correctness(check: &'static str, model: &'static str) {
    let mut steps = Steps::new(check);
    let mut echo = start(&mut steps, model);
    steps.step("connect, send `hello\\n`, read the echo");
    let mut client = connect(&echo).expect("connect to the server that printed `listening on`");
    let got = round_trip(&mut client, b"hello\n");
    steps.expect(
        got == "ok",
        "\"hello\\n\"",
        &got,
        "\"hello\\n\"",
        "read(2) what the client sent and write(2) all of it back",
    );
    steps.step("send `split line\\n` one byte at a time, 20 ms apart");
    let mut got = String::from("ok");
    for (i, byte) in b"split line\n".iter().enumerate() {
        let one = round_trip(&mut client, &[*byte]);
        if one != "ok" {
            got = format!("byte {i} ({:?}): {one}", *byte as char);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    steps.expect(
        got == "ok",
        "11 one-byte writes",
        &got,
        "each byte back",
        "an echo sends back what it has read at once: waiting for a newline (BufRead::lines, \
         read_line) or for a full buffer holds bytes back; and TCP is a byte stream: a short \
         read is not the end of the stream — only read() returning 0 is",
    );
    steps.step("send a 262144-byte binary stream (every byte value) while reading the echo");
    let data = pattern(256 * 1024);
    let got = stream_through(&mut client, &data);
    steps.expect(
        got == "ok",
        "262144 bytes of binary data",
        &got,
        "the same 262144 bytes, in order",
        "echo bytes, not lines or text: no UTF-8 decoding, no line splitting, every byte of \
         every read written back (write_all)",
    );
    steps.step("close; a second client connects and gets its echo");
    drop(client);
    let got = connect(&echo).map_or_else(|e| format!("connect: {e}"), |mut c| round_trip(&mut c, b"next\n"));
    steps.expect(
        got == "ok",
        "\"next\\n\" from a second client",
        &got,
        "\"next\\n\"",
        "after a client leaves, the server goes back to accept(2)",
    );
    still_alive_and_panic_free(&mut steps, &mut echo);
}

/// Write `data` from a thread while reading the echo here: "ok", or lost/corrupted.
fn stream_through(client: &mut TcpStream, data: &[u8]) -> String {
    let Ok(mut writer) = client.try_clone() else {
        return "cannot clone the client socket".into();
    };
    let to_send = data.to_vec();
    let sender = std::thread::spawn(move || writer.write_all(&to_send));
    let (got, how) = read_up_to(client, data.len());
    let sent = sender.join().map_or_else(
        |_| "the writer panicked".into(),
        |r| r.map_or_else(|e| e.to_string(), |()| String::new()),
    );
    if got == data {
        return "ok".into();
    }
    match got.iter().zip(data).position(|(a, b)| a != b) {
        Some(at) => format!(
            "corrupted: byte {at} is {:#04x}, {:#04x} was sent ({} bytes came back) {how}",
            got[at],
            data[at],
            got.len()
        ),
        None => format!("lost: {} of {} bytes came back {how} {sent}", got.len(), data.len()),
    }
}

/// A first client connects and says nothing; a second one must be served meanwhile.
fn second_client_while_first_idle(check: &'static str, model: &'static str) {
    let mut steps = Steps::new(check);
    let mut echo = start(&mut steps, model);
    steps.step("client A connects and stays silent");
    let idle = connect(&echo).expect("connect A");
    std::thread::sleep(Duration::from_millis(100));
    steps.step("client B connects, sends `B\\n` and must get it back within 5 s");
    let got = connect(&echo).map_or_else(|e| format!("connect: {e}"), |mut c| round_trip(&mut c, b"B\n"));
    steps.expect(
        got == "ok",
        "\"B\\n\" from B while A is idle",
        &got,
        "\"B\\n\"",
        &format!(
            "with --model {model}, the accept loop must hand A to a {} and go straight back to \
             accept(2): joining or waiting for A here serves one client at a time",
            if model == "fork" { "child process" } else { "thread" }
        ),
    );
    drop(idle);
    still_alive_and_panic_free(&mut steps, &mut echo);
}

#[test]
fn lab13_iterative_echoes() {
    correctness("lab13_iterative_echoes", "iterative");
}

#[test]
fn lab13_iterative_serves_one_at_a_time() {
    let mut steps = Steps::new("lab13_iterative_serves_one_at_a_time");
    let mut echo = start(&mut steps, "iterative");
    steps.step("client A connects and gets its echo");
    let mut a = connect(&echo).expect("connect A");
    let got = round_trip(&mut a, b"A\n");
    steps.expect(got == "ok", "\"A\\n\"", &got, "\"A\\n\"", "read and write back");
    steps.step("client B connects and sends `B\\n`: no echo while A is connected (0.6 s)");
    let mut b = connect(&echo).expect("connect B (the kernel queues it in the backlog)");
    let _ = b.set_read_timeout(Some(Duration::from_millis(600)));
    let _ = b.write_all(b"B\n");
    let (early, _) = read_up_to(&mut b, 2);
    steps.expect(
        early.is_empty(),
        "\"B\\n\" while A is still connected",
        &format!("{:?} came back at once", String::from_utf8_lossy(&early)),
        "nothing yet: the iterative server is busy with A",
        "--model iterative serves one client at a time, in the accept loop itself: no thread, \
         no fork (that is the lesson: B waits)",
    );
    steps.step("A leaves; B's echo must now come within 5 s");
    drop(a);
    let _ = b.set_read_timeout(Some(Duration::from_secs(5)));
    let (late, how) = read_up_to(&mut b, 2);
    steps.expect(
        late == b"B\n",
        "\"B\\n\", then A closed",
        &format!("{:?} {how}", String::from_utf8_lossy(&late)),
        "\"B\\n\"",
        "when read() returns 0 the client is gone: close it and accept the next",
    );
    still_alive_and_panic_free(&mut steps, &mut echo);
}

#[test]
fn lab13_fork_echoes() {
    correctness("lab13_fork_echoes", "fork");
}

#[test]
fn lab13_fork_second_client_while_first_idle() {
    second_client_while_first_idle("lab13_fork_second_client_while_first_idle", "fork");
}

/// 30 clients, each one echo, then all close at once.
fn thirty_clients(steps: &mut Steps, echo: &Echo) {
    steps.step("30 clients connect, each gets one echo; then all close at once");
    let mut clients = Vec::new();
    for i in 0..30 {
        let line = format!("client {i}\n");
        let got = connect(echo).map_or_else(
            |e| format!("connect: {e}"),
            |mut c| {
                let got = round_trip(&mut c, line.as_bytes());
                clients.push(c);
                got
            },
        );
        steps.expect(
            got == "ok",
            &format!("{line:?}"),
            &got,
            "the same line",
            "each client is served",
        );
    }
    drop(clients);
}

#[test]
fn lab13_fork_no_zombies() {
    let mut steps = Steps::new("lab13_fork_no_zombies");
    let mut echo = start(&mut steps, "fork");
    thirty_clients(&mut steps, &echo);
    let pid = echo.server.pid();
    steps.step("wait up to 5 s for the children to end (ps --ppid SERVER)");
    let live = settle(|| live_descendants(pid), |l| l.is_empty());
    steps.expect(
        live.is_empty(),
        "30 clients, then close",
        &format!("{} processes still running below the server: {live:?}", live.len()),
        "none: each child ends when its client does",
        "the child must leave with _exit once its client is gone; a child that returns or \
         loops falls back into the accept loop and becomes one more server",
    );
    steps.step("wait up to 5 s for the parent to reap them (ps -o stat --ppid SERVER)");
    let zombies = settle(|| zombie_children(pid), |z| z.is_empty());
    steps.expect(
        zombies.is_empty(),
        "30 clients, then close",
        &format!("{} zombie children (state Z): {zombies:?}", zombies.len()),
        "0 zombies",
        "a child that exits stays a zombie until its parent calls waitpid: call \
         waitpid(-1, WNOHANG) in a loop, until it says no child is left, before each wait for \
         a client",
    );
    still_alive_and_panic_free(&mut steps, &mut echo);
}

#[test]
fn lab13_fork_parent_closes_client_sockets() {
    let mut steps = Steps::new("lab13_fork_parent_closes_client_sockets");
    let mut echo = start(&mut steps, "fork");
    let pid = echo.server.pid();
    std::thread::sleep(Duration::from_millis(100));
    let before = fd_count(pid);
    steps.step(&format!("the parent has {before} descriptors (ls /proc/SERVER/fd)"));
    thirty_clients(&mut steps, &echo);
    steps.step("wait up to 5 s for the parent's descriptors to come back to their count");
    let after = settle(|| fd_count(pid), |&n| n <= before);
    steps.expect(
        after <= before,
        "30 clients, then close",
        &format!("{after} descriptors open in the parent (was {before}) — ls -l /proc/{pid}/fd"),
        &format!("{before} or fewer"),
        "after fork the parent and the child each hold the client's socket: the parent must \
         close its copy at once (drop the TcpStream); a descriptor leak ends in EMFILE",
    );
    still_alive_and_panic_free(&mut steps, &mut echo);
}

#[test]
fn lab13_fork_child_closes_listener() {
    let mut steps = Steps::new("lab13_fork_child_closes_listener");
    let mut echo = start(&mut steps, "fork");
    let pid = echo.server.pid();
    steps.step("client A connects and gets an echo (a child serves it)");
    let mut a = connect(&echo).expect("connect A");
    let got = round_trip(&mut a, b"A\n");
    steps.expect(got == "ok", "\"A\\n\"", &got, "\"A\\n\"", "the child serves A");
    let children = descendants(pid);
    steps.step(&format!("kill the parent (SIGKILL); its children {children:?} stay"));
    let _ = echo.server.child.kill();
    let _ = echo.server.child.wait();
    std::thread::sleep(Duration::from_millis(100));
    steps.step(&format!("connect to {} again: must be refused", echo.server.addr));
    let late = TcpStream::connect_timeout(
        &echo.server.addr.parse().expect("the address the server printed"),
        Duration::from_secs(2),
    );
    for child in &children {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(*child), nix::sys::signal::Signal::SIGKILL);
    }
    steps.expect(
        late.is_err(),
        "a connection to the dead server's port",
        "accepted: a child still holds the listening socket",
        "connection refused",
        "the child inherits the listener with fork and must close it (drop it) before serving: \
         otherwise each child keeps the port open and can fall back into accept",
    );
    // The parent was killed on purpose: its being gone is the check, not a crash.
    let log = echo.server.stderr_so_far();
    let panic: Vec<&str> = log.lines().filter(|l| l.contains("panicked")).collect();
    steps.expect(
        panic.is_empty(),
        "the checks above",
        &panic.join(" | "),
        "no panic",
        "the child panicked",
    );
}

#[test]
fn lab13_thread_echoes() {
    correctness("lab13_thread_echoes", "thread");
}

#[test]
fn lab13_thread_second_client_while_first_idle() {
    second_client_while_first_idle("lab13_thread_second_client_while_first_idle", "thread");
}

#[test]
fn lab13_thread_threads_and_sockets_end_with_their_clients() {
    let mut steps = Steps::new("lab13_thread_threads_and_sockets_end_with_their_clients");
    let mut echo = start(&mut steps, "thread");
    let pid = echo.server.pid();
    std::thread::sleep(Duration::from_millis(100));
    let (at_rest, fds) = (threads(pid), fd_count(pid));
    steps.step(&format!("at rest: {at_rest} thread(s), {fds} descriptors"));
    steps.step("10 clients connect and each gets an echo; count the threads");
    let mut clients = Vec::new();
    for i in 0..10 {
        if let Ok(mut c) = connect(&echo) {
            let _ = round_trip(&mut c, format!("{i}\n").as_bytes());
            clients.push(c);
        }
    }
    let busy = threads(pid);
    steps.expect(
        busy >= at_rest + 10,
        "10 connected clients",
        &format!("{busy} threads"),
        &format!("at least {}: one per client", at_rest + 10),
        "--model thread gives each client a thread of its own",
    );
    steps.step("the 10 clients close; wait up to 5 s for threads and descriptors to come back");
    drop(clients);
    let after = settle(|| (threads(pid), fd_count(pid)), |&(t, f)| t <= at_rest && f <= fds);
    steps.expect(
        after.0 <= at_rest,
        "10 clients, then close",
        &format!("{} threads still running (ls /proc/{pid}/task)", after.0),
        &format!("{at_rest}"),
        "a client's thread must end when read() returns 0 (end of file): a loop that keeps \
         reading after 0 spins forever",
    );
    steps.expect(
        after.1 <= fds,
        "10 clients, then close",
        &format!("{} descriptors (ls -l /proc/{pid}/fd)", after.1),
        &format!("{fds}"),
        "the thread owns its client's socket: it is closed when the thread ends (no into_raw_fd, \
         no mem::forget)",
    );
    still_alive_and_panic_free(&mut steps, &mut echo);
}

#[test]
fn lab13_sigterm_stops_each_model() {
    let mut steps = Steps::new("lab13_sigterm_stops_each_model");
    for model in ["iterative", "fork", "thread"] {
        let mut echo = start(&mut steps, model);
        steps.step(&format!(
            "{model}: one client connected and idle, then SIGTERM; exit 0 within 5 s"
        ));
        let mut client = connect(&echo).expect("connect");
        let _ = round_trip(&mut client, b"x\n");
        let pid = nix::unistd::Pid::from_raw(echo.server.pid());
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            match echo.server.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                _ if Instant::now() >= deadline => break None,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let got = match status {
            Some(s) => format!("exited: {s}"),
            None => "still running after 5 s".into(),
        };
        steps.expect(
            status.is_some_and(|s| s.success()),
            &format!("SIGTERM to --model {} with a client connected", echo.model),
            &got,
            "exit status 0 within 5 s",
            "the SIGTERM handler sets a flag; the accept loop must not block forever in accept(2) \
             (std retries it after EINTR): wait with poll(2) and a timeout, and look at the flag \
             between waits; a blocked read returns EINTR (no SA_RESTART)",
        );
        let _ = client.shutdown(Shutdown::Both);
    }
}
