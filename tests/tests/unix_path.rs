//! A stopping server removes its UNIX socket file only if the path is still its own: start A
//! on a path, remove the file, start B on the same path, stop A — B's socket must stay.

use nix::sys::signal::Signal;
use tests::{connect_unix, read_line, write_all, Server, TempDir, ALL_MODELS};

#[test]
fn stopping_a_server_leaves_the_socket_file_another_server_bound_since() {
    for &model in ALL_MODELS {
        let dir = TempDir::new("unix-path");
        let path = dir.path().join("echo.sock");
        let path_str = path.to_str().expect("utf-8 path");
        let mut a = Server::start("echo-server", &["--model", model, "--unix", path_str]);
        // One echo: A's loop (and its SIGTERM handler) is running, not just bound.
        let mut to_a = connect_unix(&path);
        write_all(&mut to_a, b"A\n");
        assert_eq!(read_line(&mut to_a), "A", "{model}");
        drop(to_a);
        std::fs::remove_file(&path).expect("remove A's socket file");
        let mut b = Server::start("echo-server", &["--model", model, "--unix", path_str]);
        let mut client = connect_unix(&path);
        write_all(&mut client, b"B\n");
        assert_eq!(read_line(&mut client), "B", "{model}");
        assert!(a.signal_and_wait(Signal::SIGTERM).success(), "{model}: A exits 0");
        assert!(path.exists(), "{model}: stopping A removed B's socket file");
        write_all(&mut client, b"still B\n");
        assert_eq!(read_line(&mut client), "still B", "{model}: B answers on the path");
        drop(client);
        assert!(b.signal_and_wait(Signal::SIGTERM).success(), "{model}: B exits 0");
        assert!(!path.exists(), "{model}: B removes its own file");
    }
}
