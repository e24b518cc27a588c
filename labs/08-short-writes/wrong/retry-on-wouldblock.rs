// A wrong lab 8: on WouldBlock the write is tried again at once ("it will go through"): while
// the client does not read, the server spins on write(2), a whole core, and serves nobody
// else.
// EXPECT: of a core while a client was not reading
// REGION: write what the socket takes, keep the rest
match write_part(sink, &data[*sent..], more) {
    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
    Ok(n) => {
        *sent += n;
        self.buffered -= n;
        self.written += n as u64;
        *sent == data.len()
    }
    Err(e) if e.kind() == io::ErrorKind::WouldBlock => false,
    Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
    Err(e) => return Err(e),
}
