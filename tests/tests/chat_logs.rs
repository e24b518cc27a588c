//! The chat server's log reads the same on every model, in words: who joined (and from
//! where), who renamed, who left and why. A clean `/quit` is a quit, never "connection lost".

use std::io::{BufRead, BufReader};
use tests::{write_all, Server, CONCURRENT_MODELS};

#[test]
fn joins_renames_and_leaves_are_logged_alike_on_every_model() {
    for &model in CONCURRENT_MODELS {
        let mut server = Server::start("chat-server", &["--model", model, "--listen", "127.0.0.1:0"]);
        let mut alice = server.connect();
        let mut lines = BufReader::new(alice.try_clone().expect("clone"));
        let mut welcome = String::new();
        lines.read_line(&mut welcome).expect("welcome");
        server.wait_for_log("joined as guest-1");
        write_all(&mut alice, b"/nick alice\n/quit off to lunch\n");
        server.wait_for_log("guest-1 is now alice");
        let quit = server.wait_for_log("alice left: ");
        assert!(quit.contains("alice left: /quit (off to lunch)"), "{model}: {quit}");
        let bob = server.connect();
        server.wait_for_log("joined as guest-2");
        drop(bob);
        let lost = server.wait_for_log("guest-2 left: ");
        assert!(lost.contains("connection lost"), "{model}: {lost}");
        let log = server.stderr_so_far();
        assert_eq!(
            log.matches(" left: ").count(),
            2,
            "{model}: one leave line each:\n{log}"
        );
        assert!(
            !log.contains("ConnectionLost") && !log.contains("Quit("),
            "{model}: Debug text in:\n{log}"
        );
    }
}
