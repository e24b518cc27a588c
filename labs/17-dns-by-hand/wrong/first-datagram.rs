// A wrong lab 17: the first datagram to arrive is taken as the answer, whatever its id;
// parse_answer then rejects it, and the real answer that follows is never read.
// EXPECT: a datagram whose id is not the query's is not the answer
// REGION: wait for our answer, not any datagram
let _ = id;
socket.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
let mut buf = [0u8; 4096];
match socket.recv_from(&mut buf) {
    Ok((n, _)) => Ok(buf[..n].to_vec()),
    Err(e) => Err(format!("no answer: {e}")),
}
