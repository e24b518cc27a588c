//! The UNIX socket file belongs to the listener that bound it, and to nobody else.

use super::*;
use std::os::unix::net::UnixStream;

/// A fresh directory under the system's temporary directory, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("reactor-listener-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test directory");
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn dropping_a_unix_listener_removes_its_socket_file() {
    let dir = Dir::new("own");
    let path = dir.0.join("s.sock");
    let listener = Listener::bind(&ListenAddr::Unix(path.clone())).expect("bind");
    assert!(path.exists());
    drop(listener);
    assert!(!path.exists(), "the socket file outlived its listener");
}

#[test]
fn a_stopping_listener_leaves_the_file_another_server_bound_since() {
    let dir = Dir::new("reused");
    let path = dir.0.join("s.sock");
    let a = Listener::bind(&ListenAddr::Unix(path.clone())).expect("bind A");
    // Someone removes A's file, and B binds the same path: the path now names B's socket.
    std::fs::remove_file(&path).expect("remove A's file");
    let b = Listener::bind(&ListenAddr::Unix(path.clone())).expect("bind B");
    drop(a);
    assert!(path.exists(), "A removed B's socket file when it stopped");
    UnixStream::connect(&path).expect("B still answers on the path");
    drop(b);
    assert!(!path.exists(), "B's own file is removed when B stops");
}
