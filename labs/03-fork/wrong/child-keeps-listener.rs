// A wrong lab 3: the child serves and _exits, but never closes the listener it inherited
// ("it exits soon anyway"): while it serves, the port stays open in a process that never
// accepts, and a restarted server cannot bind it.
// EXPECT: it must close the listener
// REGION: the child: close the listener, serve, _exit
let mut ours = STOP_SIGNALS.to_vec();
ours.push(SIGCHLD);
SignalPipe::restore_default(&ours);
let _listener = acceptor;
let code = serve_one(&mut stream, &peer, session, options);
// SAFETY: _exit(2) ends the process at once; nothing of ours needs unwinding.
unsafe { libc::_exit(code) }
