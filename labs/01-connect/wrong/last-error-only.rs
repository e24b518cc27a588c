// A wrong lab 1: every address is tried, but only the last error is kept, as the C loop of
// the lecture does with errno: when all fail, the message names one address of two.
// EXPECT: keep each (address, error) and report them all
// REGION: try every address getaddrinfo returns
let hints = Hints::default().socktype(SockType::Stream);
let addrs = getaddrinfo(Some(host), Some(port), hints).map_err(|e| ConnectError::Resolve(e.to_string()))?;
let mut last = None;
for ai in addrs {
    let attempt = match timeout {
        Some(limit) => TcpStream::connect_timeout(&ai.addr, limit),
        None => TcpStream::connect(ai.addr),
    };
    match attempt {
        Ok(stream) => return Ok((stream, ai.addr)),
        Err(e) => last = Some((ai.addr, e)),
    }
}
Err(ConnectError::AllFailed(last.into_iter().collect()))
