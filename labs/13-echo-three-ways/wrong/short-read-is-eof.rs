// EXPECT: a short read is not the end of the stream
// "read returned less than my buffer, so the client has sent everything": true of a file,
// false of a socket. The first small read ends the connection.
// REGION: echo every byte until end of file
let mut buf = [0u8; 16 * 1024];
loop {
    let n = stream.read(&mut buf)?;
    stream.write_all(&buf[..n])?;
    if n < buf.len() {
        return Ok(());
    }
}
