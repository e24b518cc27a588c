// A wrong lab 8: the C classic `write(fd, buf, len - sent)` without `buf + sent`: the length
// left is right, the start is not. The right number of bytes reaches the client, but after
// the first short write they are the beginning of the buffer again.
// EXPECT: corrupted
// REGION: write what the socket takes, keep the rest
match write_part(sink, &data[..data.len() - *sent], more) {
    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
    Ok(n) => {
        *sent += n;
        self.buffered -= n;
        self.written += n as u64;
        *sent == data.len()
    }
    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flush::Blocked),
    Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
    Err(e) => return Err(e),
}
