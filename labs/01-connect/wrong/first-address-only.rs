// A wrong-but-plausible lab 1 (CI checks the grader fails it): connect to the first address
// getaddrinfo returns and give up when it refuses. A name often has several addresses
// (`localhost`: ::1 and 127.0.0.1); the server may listen on only one of them.
// EXPECT: the loop goes on to 127.0.0.1
// REGION: try every address getaddrinfo returns
let hints = Hints::default().socktype(SockType::Stream);
let addrs = getaddrinfo(Some(host), Some(port), hints).map_err(|e| ConnectError::Resolve(e.to_string()))?;
let mut failures = Vec::new();
if let Some(ai) = addrs.into_iter().next() {
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
