//! The small-file cache: the bytes of small files kept in memory and checked against the disk
//! on every request with one `fstatat(2)`, instead of `openat2(2)` + `statx(2)` + `pread(2)` +
//! `close(2)`. Four system calls become one; on a 1 KiB keep-alive request that is most of
//! the server's work besides the `recv` and the `send` (`docs/performance.md`).
//!
//! # Never stale
//!
//! nginx's `open_file_cache` trusts what it cached for `open_file_cache_valid` (60 s): a file
//! changed on disk can be served in its old version for a minute. Here every request asks the
//! kernel for the file's current identity and version, and the cached bytes are used only if
//! nothing changed:
//!
//! - `st_dev` + `st_ino`: the same file (a file replaced by `mv new old` has a new inode);
//! - `st_size`, `st_mtime` (ns): the same contents as far as any writer declares;
//! - `st_ctime` (ns): the kernel sets it on *every* change to the inode, and no program can set
//!   it back: a write, a `chmod`, a new hard link, a rename. So `touch -d` cannot fake an old
//!   version, and a file that lost its read permission is opened again (and refused: 403).
//!
//! That check is only as good as the version recorded with the bytes, and the kernel stamps
//! a change *before* its data is in place: `write(2)` sets the new mtime and ctime, then
//! copies the bytes in; a store through a shared mapping stamps the file at its first fault,
//! and the bytes keep changing after it. A read in between gets the new stamps and the old
//! bytes — and they would be served until the file changed again. So an entry is recorded
//! only when it is *settled* (`site.rs`): a second `fstat(2)` after the read finds the same
//! version, all the bytes were there, and the last change (ctime) is over two seconds older
//! than the start of the read — git's "racy clean" rule. A write whose stamp is that old has
//! copied its data (it takes microseconds); a file changed more recently is served from the
//! disk, read afresh at each request, until it settles. What is not covered: a writer still
//! storing through a mapping two seconds after its first store (no stamp marks the later
//! stores), and a system clock set back by more than the window.
//!
//! # Never outside the root
//!
//! `fstatat` follows links anywhere, unlike the `openat2(RESOLVE_BENEATH)` of `site.rs`. That is
//! safe because the stat only *compares*: bytes are served only if the path leads to an inode
//! that was opened beneath the root and has not changed since. A file moved out of the root,
//! or linked to from outside it, has a new ctime; anything else misses and goes through
//! `openat2`, which refuses it.
//!
//! # Bounded
//!
//! Only files up to `serve::SMALL_FILE` are kept, within a byte budget (`--file-cache BYTES`,
//! 0 turns the cache off); when a new entry does not fit, the oldest go first (FIFO). Each
//! reactor (each `--workers` process) has its own cache; the thread model shares one behind a
//! mutex, held only to look up or insert, never during I/O.

use nix::fcntl::AtFlags;
use nix::sys::stat::{fstatat, FileStat};
use std::collections::{HashMap, VecDeque};
use std::fs::Metadata;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `--file-cache` default: 4 MiB, at least 256 files of the largest size kept.
pub const DEFAULT_BUDGET: usize = 4 << 20;

/// What an entry costs beyond its bytes and its path (the map slot, the `Arc`, the queue).
const ENTRY_OVERHEAD: usize = 256;

/// One version of one file, as `stat(2)` describes it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Version {
    dev: u64,
    ino: u64,
    size: i64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Version {
    /// The version of a file we just opened (`statx` on its descriptor, by std).
    pub fn of_metadata(meta: &Metadata) -> Version {
        Version {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size() as i64,
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The version a path leads to now (`fstatat` relative to the root).
    fn of_stat(st: &FileStat) -> Version {
        Version {
            dev: st.st_dev,
            ino: st.st_ino,
            size: st.st_size,
            mtime: (st.st_mtime, st.st_mtime_nsec),
            ctime: (st.st_ctime, st.st_ctime_nsec),
        }
    }
}

/// A cached file: what `serve.rs` needs to answer without touching the disk again.
#[derive(Debug)]
pub struct CachedFile {
    pub bytes: Arc<[u8]>,
    /// Modification time in whole seconds (`If-Modified-Since`).
    pub mtime_secs: i64,
    /// The same as an HTTP date (`Last-Modified`, `If-Range`), formatted once.
    pub last_modified: String,
    version: Version,
}

impl CachedFile {
    pub fn new(bytes: Vec<u8>, meta: &Metadata) -> CachedFile {
        CachedFile {
            bytes: bytes.into(),
            mtime_secs: meta.mtime(),
            last_modified: super::date::format_http_date(meta.mtime()),
            version: Version::of_metadata(meta),
        }
    }
}

/// Path (relative to the root) -> file bytes, FIFO-evicted within a byte budget.
#[derive(Debug)]
pub struct FileCache {
    entries: HashMap<PathBuf, Entry>,
    /// Insertion order for eviction; a key replaced since carries an older `seq` and is skipped.
    order: VecDeque<(PathBuf, u64)>,
    used: usize,
    budget: usize,
    next_seq: u64,
    pub hits: u64,
    pub misses: u64,
}

#[derive(Debug)]
struct Entry {
    file: Arc<CachedFile>,
    seq: u64,
}

impl FileCache {
    pub fn new(budget: usize) -> FileCache {
        FileCache {
            entries: HashMap::new(),
            order: VecDeque::new(),
            used: 0,
            budget,
            next_seq: 0,
            hits: 0,
            misses: 0,
        }
    }

    /// The cached bytes of `rel`, if the path still leads to the very version cached.
    /// One `fstatat(2)`; a changed or vanished file is dropped from the cache.
    pub fn get(&mut self, root: impl AsFd, rel: &Path) -> Option<Arc<CachedFile>> {
        let Some(entry) = self.entries.get(rel) else {
            self.misses += 1;
            return None;
        };
        let file = Arc::clone(&entry.file);
        let now = fstatat(root, rel, AtFlags::empty())
            .ok()
            .map(|st| Version::of_stat(&st));
        if now == Some(file.version) {
            self.hits += 1;
            return Some(file);
        }
        self.misses += 1;
        self.remove(rel);
        None
    }

    /// Keep `file` for `rel` if it fits the budget at all; older entries make room.
    pub fn insert(&mut self, rel: &Path, file: Arc<CachedFile>) {
        let cost = cost(rel, &file);
        if cost > self.budget {
            return;
        }
        self.remove(rel);
        while self.used + cost > self.budget {
            if !self.evict_oldest() {
                return;
            }
        }
        self.compact_order();
        self.next_seq += 1;
        let seq = self.next_seq;
        self.order.push_back((rel.to_path_buf(), seq));
        self.entries.insert(rel.to_path_buf(), Entry { file, seq });
        self.used += cost;
    }

    /// Bytes the cache accounts for (contents, paths and overhead); never above the budget.
    pub fn used(&self) -> usize {
        self.used
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn remove(&mut self, rel: &Path) {
        if let Some(old) = self.entries.remove(rel) {
            self.used -= cost(rel, &old.file);
        }
    }

    /// Drop the oldest live entry; false when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((path, seq)) = self.order.pop_front() {
            if self.entries.get(&path).is_some_and(|e| e.seq == seq) {
                self.remove(&path);
                return true;
            }
        }
        false
    }
}

impl FileCache {
    /// A file that changes between every two requests is re-inserted each time, leaving its
    /// old place in `order` behind: drop those once they outnumber the live entries, so the
    /// queue stays proportional to the cache (amortized O(1) per insert).
    fn compact_order(&mut self) {
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order
                .retain(|(path, seq)| entries.get(path).is_some_and(|e| e.seq == *seq));
        }
    }
}

fn cost(rel: &Path, file: &CachedFile) -> usize {
    file.bytes.len() + rel.as_os_str().len() + ENTRY_OVERHEAD
}

#[cfg(test)]
#[path = "file_cache_tests.rs"]
mod tests;
