//! The legacy resolver, `gethostbyname(3)`: a name in, a `struct hostent` out, IPv4 only.
//!
//! Kept to show the lecture's point: `gethostbyname` returns `AF_INET` addresses and nothing
//! else, in a static buffer that the next call overwrites (not thread-safe), and reports
//! errors through `h_errno`, not `errno` — so `perror` (as in the slide) prints the wrong
//! reason; [`hstrerror`] is the right one. New code uses [`crate::gai::getaddrinfo`].
//!
//! Underneath, like `getaddrinfo`: `/etc/nsswitch.conf`, `/etc/hosts`, then DNS over UDP
//! (`strace -f resolve --gethostbyname localhost`). Read [`gethostbyname_v4`] first.

use std::ffi::{CStr, CString};
use std::fmt;
use std::net::Ipv4Addr;

use libc::{c_char, c_int, hostent};

extern "C" {
    // Declared here because the libc crate does not bind it: it is deprecated, but glibc
    // still exports it and the lecture uses it.
    fn gethostbyname(name: *const c_char) -> *mut hostent;
    // glibc's h_errno is a macro around this per-thread location.
    fn __h_errno_location() -> *mut c_int;
}

/// `HOST_NOT_FOUND` from `<netdb.h>` (glibc), used when the name itself is unusable.
const HOST_NOT_FOUND: c_int = 1;

/// The `struct hostent` fields the lecture prints, copied out of libc's static buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEnt {
    /// `h_name`: the official name (after `/etc/hosts` aliases or DNS CNAMEs).
    pub name: String,
    /// `h_aliases`: the other names of the same host.
    pub aliases: Vec<String>,
    /// `h_addr_list`: the IPv4 addresses, in the order libc gave them.
    pub addresses: Vec<Ipv4Addr>,
}

/// A failed lookup: the `h_errno` value and its `hstrerror(3)` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    /// `h_errno`: `HOST_NOT_FOUND` (1), `TRY_AGAIN` (2), `NO_RECOVERY` (3), `NO_DATA` (4).
    pub code: c_int,
    message: String,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

/// The text of an `h_errno` value, e.g. "Unknown host".
pub fn hstrerror(code: c_int) -> String {
    // SAFETY: hstrerror accepts any int and returns a static NUL-terminated string.
    let text = unsafe { CStr::from_ptr(libc::hstrerror(code)) };
    text.to_string_lossy().into_owned()
}

/// Resolve `name` with the legacy call and copy the answer out at once, before anything
/// else can overwrite libc's static `hostent`.
pub fn gethostbyname_v4(name: &str) -> Result<HostEnt, HostError> {
    let c_name = CString::new(name).map_err(|_| HostError {
        code: HOST_NOT_FOUND,
        message: "host name contains a NUL byte".to_string(),
    })?;
    // SAFETY: c_name is NUL-terminated and lives across the call. The result is NULL or a
    // pointer to glibc's static hostent, valid until the next gethostbyname in this process.
    let ent = unsafe { gethostbyname(c_name.as_ptr()) };
    if ent.is_null() {
        return Err(last_host_error());
    }
    // SAFETY: non-NULL, and we copy everything before returning.
    Ok(unsafe { copy_hostent(&*ent) })
}

fn last_host_error() -> HostError {
    // SAFETY: __h_errno_location returns a valid pointer to this thread's h_errno.
    let code = unsafe { *__h_errno_location() };
    HostError {
        code,
        message: hstrerror(code),
    }
}

/// A defensive cap on NULL-terminated arrays: libc terminates them, but a bound costs nothing.
const MAX_ENTRIES: usize = 1024;

/// # Safety
/// `ent` must be a hostent filled by libc: `h_name` NUL-terminated, `h_aliases` and
/// `h_addr_list` NULL-terminated arrays, each address `h_length` bytes long.
unsafe fn copy_hostent(ent: &hostent) -> HostEnt {
    let name = if ent.h_name.is_null() {
        String::new()
    } else {
        CStr::from_ptr(ent.h_name).to_string_lossy().into_owned()
    };
    let aliases = null_terminated(ent.h_aliases)
        .into_iter()
        .map(|p| CStr::from_ptr(p).to_string_lossy().into_owned())
        .collect();
    // Only AF_INET with 4-byte addresses can be read as in_addr; anything else is skipped.
    let addresses = if ent.h_addrtype == libc::AF_INET && ent.h_length == 4 {
        null_terminated(ent.h_addr_list)
            .into_iter()
            .map(|p| {
                let bytes = std::slice::from_raw_parts(p as *const u8, 4);
                Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
            })
            .collect()
    } else {
        Vec::new()
    };
    HostEnt {
        name,
        aliases,
        addresses,
    }
}

/// # Safety
/// `array` must be NULL or a NULL-terminated array of pointers.
unsafe fn null_terminated(array: *mut *mut c_char) -> Vec<*mut c_char> {
    let mut out = Vec::new();
    if array.is_null() {
        return out;
    }
    for i in 0..MAX_ENTRIES {
        let item = *array.add(i);
        if item.is_null() {
            break;
        }
        out.push(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_address_resolves_to_itself() {
        let ent = gethostbyname_v4("127.0.0.1").expect("numeric");
        assert_eq!(ent.addresses, vec![Ipv4Addr::LOCALHOST]);
    }

    #[test]
    fn hstrerror_has_text() {
        assert!(!hstrerror(HOST_NOT_FOUND).is_empty());
    }

    #[test]
    fn nul_byte_is_an_error() {
        assert!(gethostbyname_v4("a\0b").is_err());
    }
}
