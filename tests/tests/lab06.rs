//! Lab 6 grader (labs/06-poll): the poll(2) backend.

mod lab_common;

use lab_common::backend;
use lab_common::*;

#[test]
fn lab06_echo_on_poll() {
    backend::echo("lab06_echo_on_poll", "poll");
}

#[test]
fn lab06_clients_side_by_side_on_poll() {
    backend::side_by_side("lab06_clients_side_by_side_on_poll", "poll");
}

#[test]
fn lab06_burst_on_poll() {
    backend::burst("lab06_burst_on_poll", "poll");
}

#[test]
fn lab06_no_fd_limit() {
    let mut steps = Steps::new("lab06_no_fd_limit");
    let (result, alive) = backend::crowd(&mut steps, "poll");
    steps.step("is the server alive, and were all 1100 served?");
    let got = match &result {
        Ok(r) => format!(
            "server alive: {alive}; answered {}, refused {}",
            num(r, "answered"),
            num(r, "refused")
        ),
        Err(e) => format!("server alive: {alive}; {e}"),
    };
    let ok = alive
        && result
            .as_ref()
            .is_ok_and(|r| num(r, "refused") == 0 && num(r, "answered") >= 1100);
    steps.expect(
        ok,
        "1100 connections",
        &got,
        "all 1100 answered, none refused",
        "poll(2) takes an array of struct pollfd: any fd number fits, unlike select's FD_SETSIZE",
    );
}
