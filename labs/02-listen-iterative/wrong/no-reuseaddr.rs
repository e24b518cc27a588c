// A wrong lab 2: socket, bind, listen, without SO_REUSEADDR ("an option, so optional"):
// restarted while a connection of the previous run is in TIME_WAIT, the server cannot bind
// its port for a minute (EADDRINUSE).
// EXPECT: setsockopt(SO_REUSEADDR) before bind
// REGION: socket, SO_REUSEADDR, bind, listen
let family = if addr.is_ipv4() {
    AddressFamily::Inet
} else {
    AddressFamily::Inet6
};
let fd: OwnedFd = socket::socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
socket::bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
let backlog = if bugs.has(Bug::Backlog2) {
    2 // BUG backlog-2: the lecture's `listen(listen_sock, 2)`; a burst overflows the queue
} else {
    BACKLOG
};
socket::listen(&fd, Backlog::new(backlog)?)?;
Ok(TcpListener::from(fd))
