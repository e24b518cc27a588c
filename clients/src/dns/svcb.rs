//! `SVCB` and `HTTPS` records (RFC 9460): where and how to reach a service, in one answer.
//!
//! RDATA: a priority (0 is *alias mode*: "look at this other name instead"), a target name
//! (`.` means the owner itself), then `SvcParams`, each `KEY (16) | LENGTH (16) | VALUE`:
//! `alpn` (the protocols, `h2`, `h3`), `port`, `ipv4hint`/`ipv6hint` (addresses to try
//! before the A/AAAA answer arrives), `ech` (an Encrypted Client Hello configuration), …
//!
//! Printed as dig 9.18 prints them: `1 . alpn="h3,h2" port=8443 ipv4hint=192.0.2.1`;
//! a key dig does not name is `keyNNNNN="value"` with `\DDD` escapes.

use std::fmt::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::message::Reader;
use super::name::Name;
use super::rdata::quoted;
use super::rdata_more::base64;
use super::DnsError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svcb {
    pub priority: u16,
    pub target: Name,
    pub params: Vec<(u16, Vec<u8>)>,
}

/// Parse SVCB/HTTPS RDATA that ends at `end`.
pub fn svcb(r: &mut Reader, end: usize) -> Result<Svcb, DnsError> {
    let priority = r.u16()?;
    let target = r.name()?;
    let mut params = Vec::new();
    while r.pos < end {
        let key = r.u16()?;
        let len = usize::from(r.u16()?);
        if r.pos + len > end {
            return Err(DnsError::Malformed(format!(
                "SvcParam {key} of {len} bytes runs past its RDATA"
            )));
        }
        params.push((key, r.take(len)?.to_vec()));
    }
    Ok(Svcb {
        priority,
        target,
        params,
    })
}

/// The names dig 9.18 knows (RFC 9460 §14.3.2).
fn key_name(key: u16) -> String {
    match key {
        0 => "mandatory".into(),
        1 => "alpn".into(),
        2 => "no-default-alpn".into(),
        3 => "port".into(),
        4 => "ipv4hint".into(),
        5 => "ech".into(),
        6 => "ipv6hint".into(),
        other => format!("key{other}"),
    }
}

/// One `key=value`; `None` when the value does not have the key's shape.
fn param_text(key: u16, value: &[u8]) -> Option<String> {
    let name = key_name(key);
    let text = match key {
        0 => {
            let keys: Vec<String> = value
                .chunks(2)
                .map(|k| k.try_into().ok().map(|k| key_name(u16::from_be_bytes(k))))
                .collect::<Option<_>>()?;
            format!("{name}={}", keys.join(","))
        }
        1 => format!("{name}={}", quoted(&alpn_list(value)?)),
        2 if value.is_empty() => name,
        3 => format!("{name}={}", u16::from_be_bytes(value.try_into().ok()?)),
        4 => {
            let list: Vec<String> = value
                .chunks(4)
                .map(|a| <[u8; 4]>::try_from(a).ok().map(|a| Ipv4Addr::from(a).to_string()))
                .collect::<Option<_>>()?;
            format!("{name}={}", list.join(","))
        }
        5 => format!("{name}={}", base64(value)),
        6 => {
            let list: Vec<String> = value
                .chunks(16)
                .map(|a| <[u8; 16]>::try_from(a).ok().map(|a| Ipv6Addr::from(a).to_string()))
                .collect::<Option<_>>()?;
            format!("{name}={}", list.join(","))
        }
        _ if value.is_empty() => name,
        _ => format!("{name}={}", quoted(value)),
    };
    Some(text)
}

/// `h2,h3`: each protocol id, with `,` and `\` escaped by a backslash (the list's separator).
fn alpn_list(mut value: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = value.split_first() {
        let id = rest.get(..usize::from(len))?;
        if !out.is_empty() {
            out.push(b',');
        }
        for &b in id {
            if b == b',' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        value = &rest[usize::from(len)..];
    }
    Some(out)
}

impl fmt::Display for Svcb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = format!("{} {}", self.priority, self.target);
        for (key, value) in &self.params {
            match param_text(*key, value) {
                Some(param) => {
                    let _ = write!(text, " {param}");
                }
                // A value that does not fit its key: its bytes, escaped, under its number.
                None => {
                    let _ = write!(text, " key{key}={}", quoted(value));
                }
            }
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_like_dig() {
        assert_eq!(
            param_text(1, b"\x02h3\x04h2,x").as_deref(),
            Some("alpn=\"h3,h2\\\\,x\"")
        );
        assert_eq!(param_text(2, b"").as_deref(), Some("no-default-alpn"));
        assert_eq!(param_text(3, &[0x20, 0xfb]).as_deref(), Some("port=8443"));
        assert_eq!(param_text(0, &[0, 3]).as_deref(), Some("mandatory=port"));
        assert_eq!(
            param_text(4, &[192, 0, 2, 1, 192, 0, 2, 2]).as_deref(),
            Some("ipv4hint=192.0.2.1,192.0.2.2")
        );
        assert_eq!(param_text(65000, b"ab\x01").as_deref(), Some("key65000=\"ab\\001\""));
        assert_eq!(param_text(3, &[1]), None);
    }
}
