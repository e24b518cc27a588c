// A wrong lab 1: "no timeout" is turned into a zero one, `connect_timeout(addr,
// timeout.unwrap_or_default())`: the API refuses a zero duration, so every connect fails at
// once, even to an address that listens.
// EXPECT: the loop goes on to 127.0.0.1
// REGION: try every address getaddrinfo returns
let hints = Hints::default().socktype(SockType::Stream);
let addrs = getaddrinfo(Some(host), Some(port), hints).map_err(|e| ConnectError::Resolve(e.to_string()))?;
let mut failures = Vec::new();
for ai in addrs {
    match TcpStream::connect_timeout(&ai.addr, timeout.unwrap_or_default()) {
        Ok(stream) => return Ok((stream, ai.addr)),
        Err(e) => failures.push((ai.addr, e)),
    }
}
Err(ConnectError::AllFailed(failures))
