// A wrong lab 2: the served sockets are kept in a Vec "to close them cleanly at the end":
// each client waits forever for its EOF after it is done, and the server leaks one
// descriptor per client.
// EXPECT: the client never sees EOF
// REGION: serve clients one after the other
let mut served = Vec::new();
loop {
    match acceptor.wait()? {
        Next::Client(mut stream, peer) => {
            // From here a SIGTERM shuts this client's socket down, whenever it lands.
            signal::shutdown_on_stop(Some(stream.as_raw_fd()));
            options.trace_accept(&stream, &peer);
            if !signal::stop_requested() {
                info!("serving {peer} (the next client waits in the backlog)");
                if let Err(e) = serve(session, &mut stream, &peer, options) {
                    warn!("{peer}: {e}");
                }
                info!("{peer} done");
            }
            signal::shutdown_on_stop(None);
            served.push(stream);
            if signal::stop_requested() {
                break;
            }
        }
        Next::Signal(_) => {}
        Next::Stop => break,
    }
}
info!("stopped");
Ok(())
