//! Which server to ask: `--server IP[:PORT]`, else the first `nameserver` line of
//! `/etc/resolv.conf` (resolv.conf(5)), else 127.0.0.1 as glibc does when it has none.
//!
//! Pure parsing, no socket; read [`parse_server`] and [`first_nameserver`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// DNS is the lecture's `udp/53` and `tcp/53`.
pub const DNS_PORT: u16 = 53;

/// `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`, or dig's `1.2.3.4#5353`.
pub fn parse_server(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    if let Some((ip, port)) = text.split_once('#') {
        if let (Ok(ip), Ok(port)) = (ip.parse::<IpAddr>(), port.parse::<u16>()) {
            return Ok(SocketAddr::new(ip, port));
        }
    }
    Err(format!(
        "invalid server '{text}': expected IP, IP:PORT or [IPv6]:PORT (a numeric address: \
         resolving the server's name would need a DNS server)"
    ))
}

/// The first usable `nameserver` line; a `%scope` suffix on IPv6 is dropped.
pub fn first_nameserver(resolv_conf: &str) -> Option<IpAddr> {
    resolv_conf.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            return None;
        }
        let value = words.next()?;
        value.split('%').next()?.parse().ok()
    })
}

/// The server to use when `--server` is not given.
pub fn default_server() -> SocketAddr {
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let ip = first_nameserver(&text).unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    SocketAddr::new(ip, DNS_PORT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_forms() {
        assert_eq!(parse_server("127.0.0.1"), Ok("127.0.0.1:53".parse().expect("addr")));
        assert_eq!(
            parse_server("127.0.0.1:5353"),
            Ok("127.0.0.1:5353".parse().expect("addr"))
        );
        assert_eq!(
            parse_server("127.0.0.1#5353"),
            Ok("127.0.0.1:5353".parse().expect("addr"))
        );
        assert_eq!(parse_server("::1"), Ok("[::1]:53".parse().expect("addr")));
        assert_eq!(parse_server("[::1]:5353"), Ok("[::1]:5353".parse().expect("addr")));
        assert!(parse_server("dns.example").is_err());
        assert!(parse_server("1.2.3.4:99999").is_err());
    }

    #[test]
    fn resolv_conf() {
        let text = "# comment\nsearch lan\nnameserver fe80::1%eth0\nnameserver 10.0.0.1\n";
        assert_eq!(first_nameserver(text), Some("fe80::1".parse().expect("ip")));
        assert_eq!(first_nameserver("options ndots:2\n"), None);
        assert_eq!(
            first_nameserver("nameserver bogus\nnameserver 9.9.9.9"),
            Some("9.9.9.9".parse().expect("ip"))
        );
    }
}
