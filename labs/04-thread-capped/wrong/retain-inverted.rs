// A wrong lab 4 (tried on the finished grader, as a student would): the filter of the
// handles upside down, `retain(|t| t.is_finished())`: the live sessions are forgotten and the
// finished ones counted, so the cap never holds while clients stay connected.
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
                threads.retain(|t| t.is_finished()); // joined implicitly: the thread is done
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
