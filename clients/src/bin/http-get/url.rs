//! `http://host[:port]/path?query` split into what the request needs: the host and port for
//! `getaddrinfo`, the `Host` header, and the request target.

/// The parts of an `http://` URL.
#[derive(Debug, PartialEq, Eq)]
pub struct Url {
    /// For getaddrinfo: a name, an IPv4 address, or an IPv6 address without brackets.
    pub host: String,
    pub port: u16,
    /// The `Host` header: host as written (brackets kept), port only if not 80.
    pub authority: String,
    /// Path and query, at least `/`; the fragment is never sent.
    pub target: String,
}

/// Parse an `http://` URL; `https` is refused with a clear message (no TLS here).
pub fn parse(url: &str) -> Result<Url, String> {
    let rest = strip_scheme(url)?;
    let rest = rest.split('#').next().unwrap_or("");
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'?' => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    if authority.contains('@') {
        return Err("user:password@ in URLs is not supported".into());
    }
    let (host, port) = split_host_port(authority)?;
    if host.is_empty() {
        return Err(format!("no host in {url:?}"));
    }
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err("spaces and control characters must be percent-encoded in the path".into());
    }
    let authority = if port == 80 {
        authority.trim_end_matches(":80").to_string()
    } else {
        authority.to_string()
    };
    Ok(Url {
        host,
        port,
        authority,
        target,
    })
}

fn strip_scheme(url: &str) -> Result<&str, String> {
    match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => Ok(rest),
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            Err("https is not supported (no TLS in this client); use http://".into())
        }
        Some((scheme, _)) => Err(format!("unsupported scheme {scheme:?}")),
        None => Ok(url), // "localhost:8080/x": http is assumed, as curl does
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`.
fn split_host_port(authority: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or("unclosed [ in host")?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or("junk after ] in host")?),
        };
        (host, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => 80,
        Some(p) => p.parse().map_err(|_| format!("bad port {p:?}"))?,
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let u = parse("http://example.com/a/b?c=d#frag").expect("url");
        assert_eq!(
            (u.host.as_str(), u.port, u.authority.as_str(), u.target.as_str()),
            ("example.com", 80, "example.com", "/a/b?c=d")
        );
        let u = parse("http://[::1]:8080").expect("url");
        assert_eq!(
            (u.host.as_str(), u.port, u.authority.as_str(), u.target.as_str()),
            ("::1", 8080, "[::1]:8080", "/")
        );
        let u = parse("127.0.0.1:81?x").expect("url");
        assert_eq!((u.port, u.target.as_str()), (81, "/?x"));
    }

    #[test]
    fn refusals() {
        for bad in [
            "https://x/",
            "ftp://x/",
            "http://:80/",
            "http://x:99999/",
            "http://[::1/",
            "http://a b/c d",
            "http://u@x/",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
