// A wrong lab 5: the guard lets fd 1024 through (`<=` instead of `<`, an off-by-one):
// FD_SET(1024) is one past the bitmap (in C, memory corruption; here, a panic that kills the
// server) as soon as a crowd of clients reaches it.
// EXPECT: fd must be in the range 0..FD_SETSIZE
// REGION: only fds below FD_SETSIZE fit in an fd_set
match usize::try_from(fd) {
    Ok(index) if index <= FD_SETSIZE => Ok(index),
    _ => Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("select(2) cannot watch fd {fd}: fd_set holds only fds below FD_SETSIZE ({FD_SETSIZE})"),
    )),
}
