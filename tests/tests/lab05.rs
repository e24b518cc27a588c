//! Lab 5 grader (labs/05-select): the select(2) backend.

mod lab_common;

use lab_common::backend;
use lab_common::*;

#[test]
fn lab05_echo_on_select() {
    backend::echo("lab05_echo_on_select", "select");
}

#[test]
fn lab05_clients_side_by_side_on_select() {
    backend::side_by_side("lab05_clients_side_by_side_on_select", "select");
}

#[test]
fn lab05_burst_on_select() {
    backend::burst("lab05_burst_on_select", "select");
}

#[test]
fn lab05_fd_past_fdsetsize_refused() {
    let mut steps = Steps::new("lab05_fd_past_fdsetsize_refused");
    let (result, alive) = backend::crowd(&mut steps, "select");
    steps.step("is the server alive, did fds >= 1024 get refused, is the first client answered?");
    let got = match &result {
        Ok(r) => format!(
            "server alive: {alive}; answered {}, refused {}, lost {}",
            num(r, "answered"),
            num(r, "refused"),
            num(r, "lost")
        ),
        Err(e) => format!("server alive: {alive}; {e}"),
    };
    let ok = alive
        && result
            .as_ref()
            .is_ok_and(|r| num(r, "refused") > 0 && num(r, "answered") > 1000);
    steps.expect(
        ok,
        "1100 connections",
        &got,
        "server alive, more than 1000 answered, the ones past fd 1023 refused (closed with a log line)",
        "readiness rule 7: an fd_set holds fds below FD_SETSIZE (1024) only; FD_SET(1024) writes \
         past the bitmap (C: memory corruption; nix: a panic). check_fits must refuse such an fd \
         (lecture « Appel Select »; docs/bugs.md, no-fdsetsize-guard)",
    );
}
