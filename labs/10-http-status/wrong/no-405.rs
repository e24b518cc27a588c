// A wrong-but-plausible lab 10 (CI checks the grader fails it): every method gets the JSON,
// so a POST or a DELETE on /status is answered 200 instead of 405 with Allow.
// EXPECT: 405 Method Not Allowed
// REGION: the /status route
let close = !req.keep_alive;
let json = serde_json::json!({
    "model": figures.model,
    "uptime_seconds": figures.uptime_seconds,
    "connections": figures.connections,
    "requests_served": figures.requests_served,
});
let body = format!("{json}\n").into_bytes();
let head = HeadBuilder::new(Status::Ok, cx.date)
    .field("Content-Type", "application/json")
    .field("Content-Length", body.len())
    .finish(close, req.minor);
let body_len = body.len() as u64;
let _ = simple_with;
Response {
    status: Status::Ok,
    head,
    body: Body::Bytes(body),
    close,
    body_len,
    why: None,
}
