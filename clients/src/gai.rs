//! Name resolution with `getaddrinfo(3)`: a host name and a service name in, a list of ready
//! to use socket addresses out.
//!
//! This is the lecture's "Résolution de Noms" program, wrapped once so every client can reuse
//! it. Read [`getaddrinfo`] first, then `AddrInfoList` (the RAII guard that makes sure
//! `freeaddrinfo(3)` runs on every path, including early returns). The `hints` types live in
//! `gai/hints.rs`.
//!
//! # What happens underneath
//!
//! `getaddrinfo` is a libc function, not a system call. glibc reads `/etc/nsswitch.conf`,
//! then `/etc/hosts` (`openat`, `read`) and, if needed, `/etc/resolv.conf` and asks the DNS
//! server over UDP (`socket`, `connect`, `sendto`/`sendmmsg`, `poll`, `recvfrom`). Run
//! `strace -f resolve localhost` and `strace -f resolve nonexistent.invalid` to see both.
//!
//! # API (for `tcp-client` and friends)
//!
//! ```no_run
//! use clients::gai::{getaddrinfo, Hints, SockType};
//! let hints = Hints::default().socktype(SockType::Stream);
//! for ai in getaddrinfo(Some("localhost"), Some("80"), hints)? {
//!     // Try each address in turn, as the lecture's "Connect via getaddrinfo" does.
//!     if let Ok(stream) = std::net::TcpStream::connect(ai.addr) {
//!         drop(stream);
//!         break;
//!     }
//! }
//! # Ok::<(), clients::gai::GaiError>(())
//! ```
//!
//! - [`Hints`]: `ai_family` ([`Family`]), `ai_socktype` ([`SockType`]), `ai_protocol`,
//!   `ai_flags` (`libc::AI_*`); builder methods `family`, `socktype`, `canonical`, `passive`.
//! - [`AddrInfo`]: one result: `family`, `socktype`, `protocol`, `addr` (a
//!   [`std::net::SocketAddr`], port included) and `canonname` (only on the first result, and
//!   only with `AI_CANONNAME`).
//! - [`GaiError`]: the `EAI_*` code and the `gai_strerror(3)` text as its `Display`.

use std::ffi::{CStr, CString};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ptr;

use libc::{addrinfo, c_int};

pub use hints::{Family, Hints, SockType};

mod hints;

/// One result of `getaddrinfo`, copied out of libc's linked list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrInfo {
    /// `ai_family`: which `socket(2)` domain to use.
    pub family: Family,
    /// `ai_socktype`: which `socket(2)` type to use.
    pub socktype: SockType,
    /// `ai_protocol`: the third argument of `socket(2)` (`IPPROTO_TCP`, `IPPROTO_UDP`, …).
    pub protocol: c_int,
    /// `ai_addr`: ready for `connect(2)` or `bind(2)`, port in host order already.
    pub addr: SocketAddr,
    /// `ai_canonname`: set on the first result only, and only when asked for.
    pub canonname: Option<String>,
}

/// A failed resolution: the `EAI_*` code and its `gai_strerror(3)` message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaiError {
    code: c_int,
    message: String,
}

impl GaiError {
    /// The `EAI_*` code (negative on glibc), e.g. `libc::EAI_NONAME`.
    pub fn code(&self) -> c_int {
        self.code
    }

    /// `EAI_AGAIN`: the DNS server did not answer; trying again later may work.
    pub fn is_temporary(&self) -> bool {
        self.code == libc::EAI_AGAIN
    }

    fn from_code(code: c_int) -> GaiError {
        // For EAI_SYSTEM the real reason is in errno: read it before any other call can
        // overwrite it.
        let errno = std::io::Error::last_os_error();
        let mut message = gai_strerror(code);
        if code == libc::EAI_SYSTEM {
            message = format!("{message}: {errno}");
        }
        GaiError { code, message }
    }

    fn nul_byte(what: &str) -> GaiError {
        GaiError {
            code: libc::EAI_NONAME,
            message: format!("{what} contains a NUL byte"),
        }
    }
}

impl fmt::Display for GaiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GaiError {}

/// The text of an `EAI_*` code, e.g. "Name or service not known".
pub fn gai_strerror(code: c_int) -> String {
    // SAFETY: gai_strerror accepts any int and returns a pointer to a static, NUL-terminated
    // string (glibc returns "Unknown error" for codes it does not know), never NULL.
    let text = unsafe { CStr::from_ptr(libc::gai_strerror(code)) };
    text.to_string_lossy().into_owned()
}

/// Resolve `host` and `service` as `getaddrinfo(3)` does, copying the results out and freeing
/// libc's list before returning. Either may be `None` (a C NULL), not both.
pub fn getaddrinfo(host: Option<&str>, service: Option<&str>, hints: Hints) -> Result<Vec<AddrInfo>, GaiError> {
    let host = to_cstring(host, "host name")?;
    let service = to_cstring(service, "service name")?;
    let list = AddrInfoList::resolve(host.as_deref(), service.as_deref(), &raw_hints(hints))?;
    Ok(list.to_vec())
}

fn to_cstring(text: Option<&str>, what: &str) -> Result<Option<CString>, GaiError> {
    text.map(|t| CString::new(t).map_err(|_| GaiError::nul_byte(what)))
        .transpose()
}

fn raw_hints(hints: Hints) -> addrinfo {
    addrinfo {
        ai_flags: hints.flags,
        ai_family: hints.family.as_raw(),
        ai_socktype: hints.socktype.as_raw(),
        ai_protocol: hints.protocol,
        ai_addrlen: 0,
        ai_addr: ptr::null_mut(),
        ai_canonname: ptr::null_mut(),
        ai_next: ptr::null_mut(),
    }
}

/// Owner of the list libc allocated: `freeaddrinfo` runs in `Drop`, so no path can leak it.
struct AddrInfoList {
    head: *mut addrinfo,
}

impl AddrInfoList {
    fn resolve(host: Option<&CStr>, service: Option<&CStr>, hints: &addrinfo) -> Result<AddrInfoList, GaiError> {
        let mut head: *mut addrinfo = ptr::null_mut();
        let host_ptr = host.map_or(ptr::null(), CStr::as_ptr);
        let service_ptr = service.map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: host/service are NULL or NUL-terminated strings that outlive the call,
        // hints points to an initialised addrinfo with NULL pointers, and head is a valid
        // out-pointer. On success libc owns the list until freeaddrinfo (our Drop).
        let code = unsafe { libc::getaddrinfo(host_ptr, service_ptr, hints, &mut head) };
        if code != 0 {
            return Err(GaiError::from_code(code));
        }
        Ok(AddrInfoList { head })
    }

    /// Walk `ai_next` and copy each entry out; families other than IPv4/IPv6 are skipped.
    fn to_vec(&self) -> Vec<AddrInfo> {
        let mut out = Vec::new();
        let mut node = self.head;
        while !node.is_null() {
            // SAFETY: node is NULL-checked and belongs to the list getaddrinfo returned,
            // which stays alive until self is dropped.
            let ai = unsafe { &*node };
            if let Some(info) = copy_entry(ai) {
                out.push(info);
            }
            node = ai.ai_next;
        }
        out
    }
}

impl Drop for AddrInfoList {
    fn drop(&mut self) {
        if !self.head.is_null() {
            // SAFETY: head came from a successful getaddrinfo and is freed exactly once.
            unsafe { libc::freeaddrinfo(self.head) };
        }
    }
}

fn copy_entry(ai: &addrinfo) -> Option<AddrInfo> {
    let (family, addr) = copy_sockaddr(ai)?;
    let canonname = if ai.ai_canonname.is_null() {
        None
    } else {
        // SAFETY: a non-NULL ai_canonname is a NUL-terminated string owned by the list.
        Some(
            unsafe { CStr::from_ptr(ai.ai_canonname) }
                .to_string_lossy()
                .into_owned(),
        )
    };
    Some(AddrInfo {
        family,
        socktype: SockType::from_raw(ai.ai_socktype),
        protocol: ai.ai_protocol,
        addr,
        canonname,
    })
}

/// Turn `ai_addr` (a `sockaddr_in` or `sockaddr_in6` behind a `sockaddr *`) into a
/// `SocketAddr`, checking `ai_addrlen` before each cast. Ports and addresses are stored in
/// network byte order: hence the `from_be` / `to_be_bytes`.
fn copy_sockaddr(ai: &addrinfo) -> Option<(Family, SocketAddr)> {
    if ai.ai_addr.is_null() {
        return None;
    }
    let len = ai.ai_addrlen as usize;
    match ai.ai_family {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: family is AF_INET and the length covers a sockaddr_in.
            let sin = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            let port = u16::from_be(sin.sin_port);
            Some((Family::Inet, SocketAddr::V4(SocketAddrV4::new(ip, port))))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: family is AF_INET6 and the length covers a sockaddr_in6.
            let sin6 = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in6) };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let port = u16::from_be(sin6.sin6_port);
            let v6 = SocketAddrV6::new(ip, port, sin6.sin6_flowinfo, sin6.sin6_scope_id);
            Some((Family::Inet6, SocketAddr::V6(v6)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ipv4_with_port() {
        let hints = Hints::default().socktype(SockType::Stream);
        let res = getaddrinfo(Some("127.0.0.1"), Some("8080"), hints).expect("numeric");
        assert_eq!(res.len(), 1);
        assert_eq!(res[0].addr, "127.0.0.1:8080".parse().expect("addr"));
        assert_eq!(res[0].family, Family::Inet);
        assert_eq!(res[0].socktype, SockType::Stream);
        assert_eq!(res[0].protocol, libc::IPPROTO_TCP);
    }

    #[test]
    fn numeric_ipv6() {
        let hints = Hints::default().socktype(SockType::Dgram).family(Family::Inet6);
        let res = getaddrinfo(Some("::1"), Some("53"), hints).expect("numeric v6");
        assert_eq!(res[0].addr, "[::1]:53".parse().expect("addr"));
        assert_eq!(res[0].socktype, SockType::Dgram);
    }

    #[test]
    fn family_mismatch_is_an_error_with_text() {
        let hints = Hints::default().family(Family::Inet6);
        let err = getaddrinfo(Some("127.0.0.1"), None, hints).expect_err("v4 literal as v6");
        assert!(!err.to_string().is_empty());
    }

    #[test]
    fn nul_byte_is_an_error_not_a_panic() {
        let err = getaddrinfo(Some("a\0b"), None, Hints::default()).expect_err("NUL");
        assert!(err.to_string().contains("NUL"));
    }

    #[test]
    fn canonical_flag_round_trips() {
        let hints = Hints::default().canonical(true).passive(true);
        assert_eq!(hints.flags, libc::AI_CANONNAME | libc::AI_PASSIVE);
        assert_eq!(hints.canonical(false).flags, libc::AI_PASSIVE);
    }
}
