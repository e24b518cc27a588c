//! SIGTERM sent the moment a server prints `listening on ADDR` (before its loop is set up)
//! is a clean stop like any other: exit status 0 and the UNIX socket file removed, never a
//! death by the default action with the file left behind.

use nix::sys::signal::Signal;
use tests::{Server, TempDir, ALL_MODELS};

#[test]
fn sigterm_right_after_the_listening_line_is_a_clean_stop_on_every_model() {
    for &model in ALL_MODELS {
        for round in 0..3 {
            let dir = TempDir::new("early-sigterm");
            let path = dir.path().join("s.sock");
            let path_str = path.to_str().expect("utf-8 path");
            let mut server = Server::start("echo-server", &["--model", model, "--unix", path_str]);
            let status = server.signal_and_wait(Signal::SIGTERM);
            assert!(status.success(), "{model} (round {round}): {status:?}");
            assert!(
                !path.exists(),
                "{model} (round {round}): the socket file was left behind"
            );
        }
    }
}
