// EXPECT: threads still running
// read() returning 0 is taken for "nothing yet": the loop goes on reading a closed socket, and
// a thread (or a child) spins forever once its client has left.
// REGION: echo every byte until end of file
let mut buf = [0u8; 16 * 1024];
loop {
    match stream.read(&mut buf) {
        Ok(0) if stopping() => return Ok(()),
        Ok(0) => continue,
        Ok(n) => stream.write_all(&buf[..n])?,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
        Err(e) => return Err(e),
    }
}
