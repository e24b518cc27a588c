//! Memory shared with the children a process will fork: an anonymous `MAP_SHARED` mapping
//! (`mmap(2)`). After `fork(2)` every other page of the child is a copy (copy-on-write);
//! this one stays *the same memory* in parent and children, so an atomic counter or flag in
//! it is seen by all of them. Used by the HTTP server's `/status` counters and by
//! `sink::SinkHealth` (a failing log reported once for all the fork model's children).

use std::io;

/// A `T::default()` in a fresh shared page, never unmapped: valid for the whole process
/// and, once the process forks, for its children too.
///
/// # Safety
///
/// `T` must hold no pointer, and nothing whose meaning depends on the process (atomics and
/// plain numbers only): a pointer stored by a child would point into *its* copy of the heap.
pub unsafe fn alloc<T: Default + Sync>() -> io::Result<&'static T> {
    let len = std::mem::size_of::<T>();
    // SAFETY: a fresh anonymous mapping, no address hint, no file; checked for MAP_FAILED.
    let page = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len.max(1),
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if page == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    let value = page.cast::<T>();
    // SAFETY: the mapping is page-aligned (enough for any atomic), at least `len` bytes, and
    // never unmapped: a 'static reference to it stays valid for the whole process.
    unsafe {
        value.write(T::default());
        Ok(&*value)
    }
}
