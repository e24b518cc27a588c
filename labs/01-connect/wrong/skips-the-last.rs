// A wrong lab 1: the addresses are collected, then tried with `for i in 0..addrs.len() - 1`
// (an off-by-one from a C loop): the last address, here the only one listening, is never
// tried.
// EXPECT: the loop goes on to 127.0.0.1
// REGION: try every address getaddrinfo returns
let hints = Hints::default().socktype(SockType::Stream);
let addrs: Vec<_> = getaddrinfo(Some(host), Some(port), hints)
    .map_err(|e| ConnectError::Resolve(e.to_string()))?
    .into_iter()
    .collect();
let mut failures = Vec::new();
for i in 0..addrs.len().saturating_sub(1) {
    let ai = &addrs[i];
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
