//! The served directory, and opening files *beneath* it — never outside.
//!
//! `path.rs` already refused `..` and friends, but text checks cannot see symbolic links: a
//! link `www/etc -> /etc` makes `/etc/passwd` a perfectly clean path. So files are opened
//! with `openat2(2)` relative to a descriptor of the root, with `RESOLVE_BENEATH`: the
//! kernel resolves every component, links included, and fails with `EXDEV` the moment the
//! walk would leave the root. No race between a check and the open either: the check *is*
//! the open. Links that stay inside the root keep working.
//!
//! On a kernel older than 5.6 (`ENOSYS`) the fallback is the classic `realpath(3)` check
//! (`canonicalize`, then "does it start with the root?"), which has that race.
//!
//! `O_NONBLOCK` on the open keeps a FIFO planted in the root from blocking the server; only
//! regular files and directories are ever served.
//!
//! Small files are read whole before their head is written, as long as they are, and then
//! kept in memory (`file_cache.rs`): the next request for the same path costs one
//! `fstatat(2)` that checks the file did not change, instead of the open, the stat, the read
//! and the close. A file shrinking under the read is answered with the bytes it still had,
//! never with a 500; a file that changed while it was read is not kept (see "Never stale"
//! in `file_cache.rs`).

use super::file_cache::{CachedFile, FileCache, Version};
use super::serve::SMALL_FILE;
use nix::errno::Errno;
use nix::fcntl::{openat2, OFlag, OpenHow, ResolveFlag};
use std::fs::{File, Metadata};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The document root.
#[derive(Debug)]
pub struct Site {
    /// An open descriptor of the root directory: what `openat2` resolves beneath.
    root: OwnedFd,
    /// Its canonical path, for logs and the `realpath` fallback.
    root_path: PathBuf,
    /// `--bug naive-join` (docs/bugs.md): open the path as it comes, `..` and all. A plain
    /// setting: the protocol knows nothing of the reactor's bug set.
    naive_join: bool,
    /// Small files in memory (`--file-cache`); `None` when turned off.
    cache: Option<Mutex<FileCache>>,
}

/// What a path names under the root.
#[derive(Debug)]
pub enum Found {
    /// A regular file larger than `SMALL_FILE`, open.
    File(File, Metadata),
    /// A small regular file, its bytes in memory (read now, or cached and still current).
    Small(Arc<CachedFile>),
    Dir(File),
}

/// Why it could not be opened, as the client will hear it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Absent, outside the root, or not a regular file or directory: 404.
    NotFound,
    /// Permission denied: 403.
    Forbidden,
    /// The process is out of descriptors (EMFILE, ENFILE): 503 and `Retry-After`, since
    /// the same request will work once other clients are done.
    Busy,
    /// Anything else (an I/O error): 500.
    Error,
}

impl Site {
    /// Open the root directory (it must exist and be a directory).
    pub fn open(root: &Path) -> io::Result<Site> {
        let root_path = root.canonicalize()?;
        let dir = File::open(&root_path)?;
        if !dir.metadata()?.is_dir() {
            return Err(io::Error::other(format!("{} is not a directory", root_path.display())));
        }
        Ok(Site {
            root: dir.into(),
            root_path,
            naive_join: false,
            cache: None,
        })
    }

    /// Keep small files in memory, within `budget` bytes (0: no cache, every request opens).
    pub fn with_file_cache(self, budget: usize) -> Site {
        let cache = (budget > 0).then(|| Mutex::new(FileCache::new(budget)));
        Site { cache, ..self }
    }

    /// The same site with the lecture's path bug switched on or off (`--bug naive-join`).
    pub fn with_naive_join(self, naive_join: bool) -> Site {
        Site { naive_join, ..self }
    }

    /// Is `--bug naive-join` on?
    pub fn naive_join(&self) -> bool {
        self.naive_join
    }

    pub fn root_path(&self) -> &Path {
        &self.root_path
    }

    /// Open `rel` (a path from `path::safe_path`) beneath the root.
    pub fn lookup(&self, rel: &Path) -> Result<Found, Missing> {
        let rel = if rel.as_os_str().is_empty() {
            Path::new(".")
        } else {
            rel
        };
        if let Some(hit) = self.cached(rel) {
            return Ok(Found::Small(hit));
        }
        let file = self.open_beneath(rel).map_err(missing)?;
        let meta = file.metadata().map_err(|_| Missing::Error)?;
        if meta.is_file() && meta.len() <= SMALL_FILE {
            self.read_small(rel, &file, &meta).map(Found::Small)
        } else if meta.is_file() {
            Ok(Found::File(file, meta))
        } else if meta.is_dir() {
            Ok(Found::Dir(file))
        } else {
            Err(Missing::NotFound) // a FIFO, a socket, a device: never served
        }
    }

    /// The cached bytes of `rel`, if it is cached and unchanged (one `fstatat`). Never with
    /// `--bug naive-join`, whose whole point is opening what `openat2` would refuse.
    fn cached(&self, rel: &Path) -> Option<Arc<CachedFile>> {
        if self.naive_join {
            return None;
        }
        let mut cache = self.cache.as_ref()?.lock().unwrap_or_else(PoisonError::into_inner);
        cache.get(&self.root, rel)
    }

    /// Read a small file opened beneath the root, and keep it if the cache may (the lock is
    /// not held while reading). The bytes served are what the file held when read: fewer than
    /// `meta` said if it shrank meanwhile (the head, built after, says so), never a 500.
    fn read_small(&self, rel: &Path, file: &File, meta: &Metadata) -> Result<Arc<CachedFile>, Missing> {
        let read_at = std::time::SystemTime::now();
        let bytes = read_up_to(file, meta.len()).map_err(|e| {
            log::warn!("reading {}: {e}", rel.display());
            Missing::Error
        })?;
        let small = Arc::new(CachedFile::new(bytes, meta));
        if let Some(cache) = &self.cache {
            if !self.naive_join && settled(file, meta, small.bytes.len(), read_at) {
                let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                cache.insert(rel, Arc::clone(&small));
            }
        }
        Ok(small)
    }

    /// BUG naive-join: what `openat2` refused (`..` climbing out, a symlink leading
    /// out), opened anyway as root + "/" + path.
    #[cold]
    fn bug_naive_join_open(&self, rel: &Path) -> io::Result<File> {
        File::open(self.root_path.join(rel))
    }

    /// `openat2(root, rel, O_RDONLY|O_NONBLOCK|O_CLOEXEC, RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS)`.
    fn open_beneath(&self, rel: &Path) -> io::Result<File> {
        let how = OpenHow::new()
            .flags(OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC | OFlag::O_NOCTTY)
            .resolve(ResolveFlag::RESOLVE_BENEATH | ResolveFlag::RESOLVE_NO_MAGICLINKS);
        match openat2(&self.root, rel, how) {
            Ok(fd) => Ok(File::from(fd)),
            Err(_) if self.naive_join => self.bug_naive_join_open(rel),
            Err(Errno::ENOSYS) => self.open_checked_by_realpath(rel),
            Err(e) => Err(e.into()),
        }
    }

    /// Pre-5.6 kernels: resolve every link with realpath, then check the prefix.
    fn open_checked_by_realpath(&self, rel: &Path) -> io::Result<File> {
        let real = self.root_path.join(rel).canonicalize()?;
        if !real.starts_with(&self.root_path) {
            return Err(Errno::EXDEV.into());
        }
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(real)
    }
}

/// At most `len` bytes from the start of `file`, fewer if it ends sooner (`pread(2)` until
/// end of file): a file truncated since its `fstat` is not an error.
fn read_up_to(file: &File, len: u64) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read_at(&mut bytes[filled..], filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// May the bytes just read be cached as the version `before` describes? Only if nothing
/// changed while they were read (a second `fstat(2)` finds the very same version, and all of
/// the bytes were there), and the last change is older than [`RACY_WINDOW`] when the read
/// began. Linux stamps a write's new mtime and ctime *before* it copies the data in: a read
/// in between pairs the new stamps with old bytes, and both `fstat`s agree. A change that
/// old has its data in place; a newer one is served from the disk until it is old enough.
fn settled(file: &File, before: &Metadata, read: usize, read_at: std::time::SystemTime) -> bool {
    let Ok(after) = file.metadata() else {
        return false;
    };
    let changed = std::time::UNIX_EPOCH
        + std::time::Duration::new(
            u64::try_from(before.ctime()).unwrap_or(0),
            u32::try_from(before.ctime_nsec()).unwrap_or(0),
        );
    let age = read_at.duration_since(changed).unwrap_or_default();
    Version::of_metadata(&after) == Version::of_metadata(before) && read as u64 == before.len() && age > RACY_WINDOW
}

/// How old a file's last change must be before its bytes are trusted for the cache. It must
/// cover the timestamps' granularity (nanoseconds on ext4, xfs, btrfs, tmpfs, but whole
/// seconds on ext4 with small inodes and some network filesystems: writes within the same
/// second then leave no new stamp) and the time a write takes to copy its data once it has
/// stamped the file (microseconds for a small file). Two seconds covers both with room.
pub const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

/// `/proc/self/fd/N`: a path naming exactly the directory we opened, so listing it cannot be
/// redirected elsewhere by a rename or a link swapped in after the open.
pub fn fd_path(dir: &File) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()))
}

/// errno -> what the client is told.
fn missing(e: io::Error) -> Missing {
    match e.raw_os_error() {
        // EXDEV: the path leads out of the root (a link, or an absolute link target).
        Some(libc::ENOENT | libc::ENOTDIR | libc::EXDEV | libc::ELOOP | libc::ENAMETOOLONG) => Missing::NotFound,
        Some(libc::EACCES | libc::EPERM) => Missing::Forbidden,
        Some(libc::EMFILE | libc::ENFILE) => {
            log::warn!("open: {e}: 503");
            Missing::Busy
        }
        _ => {
            log::warn!("open: {e}");
            Missing::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("http-site-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("www/sub")).expect("mkdir");
        std::fs::write(dir.join("www/sub/page.txt"), "in").expect("write");
        std::fs::write(dir.join("secret.txt"), "out").expect("write");
        dir
    }

    #[test]
    fn links_inside_work_links_outside_do_not() {
        let dir = scratch("links");
        symlink("sub/page.txt", dir.join("www/inside")).expect("symlink");
        symlink("../secret.txt", dir.join("www/outside")).expect("symlink");
        symlink(dir.join("secret.txt"), dir.join("www/absolute")).expect("symlink");
        symlink("/", dir.join("www/slash")).expect("symlink");
        let site = Site::open(&dir.join("www")).expect("site");
        assert!(matches!(site.lookup(Path::new("inside")), Ok(Found::Small(..))));
        assert!(matches!(site.lookup(Path::new("")), Ok(Found::Dir(..))));
        for escape in [
            "outside",
            "absolute",
            "slash/etc/passwd",
            "../secret.txt",
            "/etc/passwd",
        ] {
            assert_eq!(
                site.lookup(Path::new(escape)).err(),
                Some(Missing::NotFound),
                "{escape}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn fifos_are_not_served_and_do_not_block() {
        let dir = scratch("fifo");
        nix::unistd::mkfifo(&dir.join("www/pipe"), nix::sys::stat::Mode::S_IRWXU).expect("mkfifo");
        let site = Site::open(&dir.join("www")).expect("site");
        assert_eq!(site.lookup(Path::new("pipe")).err(), Some(Missing::NotFound));
        let _ = std::fs::remove_dir_all(dir);
    }
}
