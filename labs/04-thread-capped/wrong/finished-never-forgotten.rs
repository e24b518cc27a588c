// A wrong lab 4: the handles of finished threads are never dropped from the list: the cap
// counts every client ever served, so after 50 clients, the server refuses everyone for good.
// EXPECT: the cap counts live sessions only
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
                admit(stream, &peer, threads.len(), options)
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
