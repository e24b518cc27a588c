// A wrong lab 4: each session thread is joined right after it is started ("a thread must be
// joined"): the main thread waits for that client to leave before accepting the next, so
// the thread server serves one client at a time, like the iterative one.
// EXPECT: the main thread must go back to accept at once
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
                admit(stream, &peer, threads.len(), options)
            };
            let Some(stream) = admitted else {
                continue;
            };
            next_id += 1;
            match spawn_session(next_id, stream, peer, &session, &registry, options) {
                Ok(handle) => {
                    let _ = handle.join();
                }
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
