// A wrong lab 8: the bytes written are counted as sent, but not taken off the outbox's
// buffered total ("buffered is only for the limit"): the outbox looks fuller and fuller, so
// the server stops reading a client whose echo has long left, and the stream stalls.
// EXPECT: the server stopped answering
// REGION: write what the socket takes, keep the rest
match write_part(sink, &data[*sent..], more) {
    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
    Ok(n) => {
        *sent += n;
        self.written += n as u64;
        *sent == data.len()
    }
    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flush::Blocked),
    Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
    Err(e) => return Err(e),
}
