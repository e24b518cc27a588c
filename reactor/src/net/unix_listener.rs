//! A UNIX listener's socket file (`--unix PATH`, beside the lesson's TCP listener).
//!
//! The listener owns its path: a stale socket file left by a crashed server is removed at
//! bind time (after checking nobody answers on it), and the file is removed again when the
//! listener is dropped — only by the process that bound it, so a forked child closing its
//! copy of the listener does not pull the file out from under its parent, and only while the
//! path still names the socket this process bound (same device and inode, from `stat(2)`):
//! if someone removed the file and another server bound the same path since, that file is
//! the other server's and stays.

use super::Listener;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// Bind a UNIX socket at `path`, replacing a stale socket file but never a live one.
pub(super) fn bind_unix(path: &Path) -> io::Result<Listener> {
    remove_stale_socket(path)?;
    let listener =
        UnixListener::bind(path).map_err(|e| io::Error::new(e.kind(), format!("bind {}: {e}", path.display())))?;
    let file_id = FileId::of(path).map_err(|e| io::Error::new(e.kind(), format!("stat {}: {e}", path.display())))?;
    Ok(Listener::Unix {
        listener,
        path: path.to_path_buf(),
        owner: std::process::id(),
        file_id,
    })
}

fn remove_stale_socket(path: &Path) -> io::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a socket; refusing to replace it", path.display()),
        ));
    }
    if UnixStream::connect(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("{}: another server is listening there", path.display()),
        ));
    }
    std::fs::remove_file(path)
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix {
            path, owner, file_id, ..
        } = self
        {
            if *owner == std::process::id() {
                remove_own_socket_file(path, *file_id);
            }
        }
    }
}

/// A file's identity: its device and inode numbers (`st_dev`, `st_ino`). A path can be
/// removed and reused; this pair names one file for as long as it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// `lstat(2)` the path (a symlink is not followed: we bound the path itself).
    fn of(path: &Path) -> io::Result<FileId> {
        let meta = std::fs::symlink_metadata(path)?;
        Ok(FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }
}

/// `unlink(2)` the socket file if the path still names the one we bound. Between the check
/// and the unlink another process could swap the file again; no system call closes that
/// window for a path, but the check covers the real case: a server restarted on the same
/// path while the old one was still stopping.
fn remove_own_socket_file(path: &Path, ours: FileId) {
    match FileId::of(path) {
        Ok(now) if now == ours => {
            if let Err(e) = std::fs::remove_file(path) {
                log::warn!("remove {}: {e}", path.display());
            }
        }
        Ok(_) => log::info!(
            "{} is no longer our socket (removed and bound again by another server): leaving it",
            path.display()
        ),
        Err(_) => {} // already gone
    }
}
