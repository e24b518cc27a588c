// EXPECT: go straight back to
// "Join every thread, so none leaks": joined at once, the thread server serves one client at
// a time, like the iterative one.
// REGION: the thread server
while let Some(mut stream) = next_client(listener, &mut || {})? {
    let handle = thread::spawn(move || {
        if let Err(e) = echo(&mut stream) {
            eprintln!("lab13-echo: client thread: {e}");
        }
    });
    let _ = handle.join();
}
Ok(())
