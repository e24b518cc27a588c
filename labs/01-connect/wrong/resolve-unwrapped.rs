// A wrong lab 1: getaddrinfo's result is unwrapped ("the name is always valid"): a name that
// does not resolve, an ordinary typo, makes the client panic instead of saying so.
// EXPECT: the client panicked
// REGION: try every address getaddrinfo returns
let hints = Hints::default().socktype(SockType::Stream);
let addrs = getaddrinfo(Some(host), Some(port), hints).unwrap();
let mut failures = Vec::new();
for ai in addrs {
    let attempt = match timeout {
        Some(limit) => TcpStream::connect_timeout(&ai.addr, limit),
        None => TcpStream::connect(ai.addr),
    };
    match attempt {
        Ok(stream) => return Ok((stream, ai.addr)),
        Err(e) => failures.push((ai.addr, e)),
    }
}
Err(ConnectError::AllFailed(failures))
