//! The cache against a real directory: hits, every kind of change, the budget, the queue.

use super::*;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::symlink;

struct Dir {
    path: PathBuf,
    root: File,
}

impl Dir {
    fn new(tag: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("file-cache-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("www")).expect("mkdir");
        let root = File::open(path.join("www")).expect("open root");
        Dir { path, root }
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path.join("www").join(name), bytes).expect("write");
    }

    /// What `site.rs` does on a miss: open, stat the descriptor, read, insert.
    fn load(&self, cache: &mut FileCache, name: &str) -> Arc<CachedFile> {
        let file = File::open(self.path.join("www").join(name)).expect("open");
        let meta = file.metadata().expect("metadata");
        let bytes = std::fs::read(self.path.join("www").join(name)).expect("read");
        let cached = Arc::new(CachedFile::new(bytes, &meta));
        cache.insert(Path::new(name), Arc::clone(&cached));
        cached
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[test]
fn an_unchanged_file_is_a_hit_with_its_bytes() {
    let dir = Dir::new("hit");
    dir.write("a.txt", b"hello");
    let mut cache = FileCache::new(DEFAULT_BUDGET);
    assert!(cache.get(&dir.root, Path::new("a.txt")).is_none());
    dir.load(&mut cache, "a.txt");
    let hit = cache.get(&dir.root, Path::new("a.txt")).expect("hit");
    assert_eq!(&hit.bytes[..], b"hello");
    assert_eq!((cache.hits, cache.misses), (1, 1));
}

#[test]
fn a_write_of_the_same_size_is_a_miss() {
    let dir = Dir::new("rewrite");
    dir.write("a.txt", b"hello");
    let mut cache = FileCache::new(DEFAULT_BUDGET);
    dir.load(&mut cache, "a.txt");
    // Same size, and the mtime put back as it was: only the ctime tells.
    let path = dir.path.join("www/a.txt");
    let before = std::fs::metadata(&path).expect("meta").modified().expect("mtime");
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
    f.write_all(b"HELLO").expect("write");
    f.set_modified(before).expect("set mtime back");
    drop(f);
    assert!(cache.get(&dir.root, Path::new("a.txt")).is_none(), "stale bytes served");
    assert!(cache.is_empty(), "a stale entry is dropped");
}

#[test]
fn a_replaced_a_removed_and_an_unreadable_file_are_misses() {
    let dir = Dir::new("replace");
    dir.write("a.txt", b"one");
    dir.write("b.txt", b"two");
    dir.write("c.txt", b"three");
    let mut cache = FileCache::new(DEFAULT_BUDGET);
    for name in ["a.txt", "b.txt", "c.txt"] {
        dir.load(&mut cache, name);
    }
    dir.write("new.txt", b"uno");
    std::fs::rename(dir.path.join("www/new.txt"), dir.path.join("www/a.txt")).expect("mv");
    std::fs::remove_file(dir.path.join("www/b.txt")).expect("rm");
    let c = dir.path.join("www/c.txt");
    std::fs::set_permissions(&c, std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
    for name in ["a.txt", "b.txt", "c.txt"] {
        assert!(cache.get(&dir.root, Path::new(name)).is_none(), "{name}");
    }
    assert!(cache.is_empty());
}

#[test]
fn a_link_swapped_to_a_file_outside_the_root_is_a_miss() {
    let dir = Dir::new("link");
    dir.write("real.txt", b"inside");
    std::fs::write(dir.path.join("secret.txt"), b"outside").expect("write");
    symlink("real.txt", dir.path.join("www/page")).expect("symlink");
    let mut cache = FileCache::new(DEFAULT_BUDGET);
    dir.load(&mut cache, "page");
    std::fs::remove_file(dir.path.join("www/page")).expect("rm link");
    symlink(dir.path.join("secret.txt"), dir.path.join("www/page")).expect("symlink out");
    assert!(cache.get(&dir.root, Path::new("page")).is_none());
}

#[test]
fn the_budget_is_never_exceeded_and_the_oldest_go_first() {
    let dir = Dir::new("budget");
    let body = vec![b'x'; 1000];
    let mut cache = FileCache::new(5 * (1000 + 5 + ENTRY_OVERHEAD));
    for i in 0..20 {
        let name = format!("f{i:02}");
        dir.write(&name, &body);
        dir.load(&mut cache, &name);
        assert!(cache.used() <= 5 * (1000 + 5 + ENTRY_OVERHEAD));
    }
    assert_eq!(cache.len(), 5);
    assert!(
        cache.get(&dir.root, Path::new("f00")).is_none(),
        "the oldest was evicted"
    );
    assert!(cache.get(&dir.root, Path::new("f19")).is_some(), "the newest is kept");
}

#[test]
fn a_file_larger_than_the_budget_is_not_kept() {
    let dir = Dir::new("large");
    dir.write("big", &[0u8; 4096]);
    let mut cache = FileCache::new(1024);
    dir.load(&mut cache, "big");
    assert!(cache.is_empty());
    assert_eq!(cache.used(), 0);
}

#[test]
fn a_file_that_changes_every_time_keeps_the_queue_bounded() {
    let dir = Dir::new("churn");
    let mut cache = FileCache::new(DEFAULT_BUDGET);
    for i in 0..1000u32 {
        dir.write("log", &i.to_le_bytes());
        let _ = cache.get(&dir.root, Path::new("log"));
        dir.load(&mut cache, "log");
    }
    assert_eq!(cache.len(), 1);
    assert!(
        cache.order.len() <= 2 * cache.len() + 65,
        "queue grew to {}",
        cache.order.len()
    );
}
