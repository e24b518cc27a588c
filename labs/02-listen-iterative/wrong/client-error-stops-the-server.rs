// A wrong lab 2: a session's error is propagated with `?` ("errors go up"): a client that
// resets its connection, an ordinary event on a network, makes the whole server return and
// exit, and every later client is refused.
// EXPECT: a client that resets (ECONNRESET) is an ordinary event
// REGION: serve clients one after the other
loop {
    match acceptor.wait()? {
        Next::Client(mut stream, peer) => {
            // From here a SIGTERM shuts this client's socket down, whenever it lands.
            signal::shutdown_on_stop(Some(stream.as_raw_fd()));
            options.trace_accept(&stream, &peer);
            if !signal::stop_requested() {
                info!("serving {peer} (the next client waits in the backlog)");
                serve(session, &mut stream, &peer, options)?;
                info!("{peer} done");
            }
            signal::shutdown_on_stop(None);
            drop(stream);
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
