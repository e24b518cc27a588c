// A wrong lab 4: the cap is checked against the sessions started *before* the last one
// ("the new one is not running yet"), an off-by-one: 51 sessions run side by side for a cap
// of 50.
// EXPECT: at most 51 threads
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
                admit(stream, &peer, threads.len().saturating_sub(1), options)
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
