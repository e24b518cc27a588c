// A wrong lab 4: past the cap, the connection is dropped without a word ("the client will
// notice"): the statement asks for one line saying why, then the close.
// EXPECT: past the cap, say why
// REGION: a thread per client, capped, joined
let registry: Registry = Arc::default();
let mut threads: Vec<JoinHandle<()>> = Vec::new();
let mut next_id = 0u64;
loop {
    match acceptor.wait()? {
        Next::Client(stream, peer) => {
            let admitted = if options.bugs.has(Bug::ThreadPerClientUncapped) {
                // BUG thread-per-client-uncapped: the lecture's `pthread_create` per client,
                // no cap and no join: handles (and finished threads' stacks) pile up.
                Some(stream)
            } else {
                threads.retain(|t| !t.is_finished()); // joined implicitly: the thread is done
                (threads.len() < options.max_connections).then_some(stream)
            };
            let Some(stream) = admitted else {
                continue;
            };
            next_id += 1;
            match spawn_session(next_id, stream, peer, &session, &registry, options) {
                Ok(handle) => threads.push(handle),
                Err(e) => warn!("cannot start a thread: {e}"),
            }
        }
        Next::Signal(_) => {}
        Next::Stop => break,
    }
}
drop(acceptor);
wake_and_join(&registry, threads);
info!("stopped");
Ok(())
