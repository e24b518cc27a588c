// A wrong lab 2: the socket is always AF_INET ("IPv4 is what we use"): bind(2) of an IPv6
// address on it fails with EAFNOSUPPORT/EINVAL, so `--listen [::1]:PORT` cannot start.
// EXPECT: an IPv6 address needs an AF_INET6 socket
// REGION: socket, SO_REUSEADDR, bind, listen
let family = AddressFamily::Inet;
let fd: OwnedFd = socket::socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
socket::setsockopt(&fd, sockopt::ReuseAddr, &true)?;
socket::bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
let backlog = if bugs.has(Bug::Backlog2) {
    2 // BUG backlog-2: the lecture's `listen(listen_sock, 2)`; a burst overflows the queue
} else {
    BACKLOG
};
socket::listen(&fd, Backlog::new(backlog)?)?;
Ok(TcpListener::from(fd))
