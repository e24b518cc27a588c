// A wrong lab 10: the 405 is there, but its Allow header forgets HEAD, which the route
// answers too: Allow must list every method the resource supports.
// EXPECT: must list the methods the resource supports in Allow
// REGION: the /status route
let close = !req.keep_alive;
if let Method::Other(_) = req.method {
    let allow = [("Allow", "GET")];
    return simple_with(Status::MethodNotAllowed, cx.date, close, req.minor, false, &allow);
}
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
    .field("Cache-Control", "no-store")
    .finish(close, req.minor);
let (body, body_len) = if req.method == Method::Head {
    (Body::Empty, 0)
} else {
    let len = body.len() as u64;
    (Body::Bytes(body), len)
};
Response {
    status: Status::Ok,
    head,
    body,
    close,
    body_len,
    why: None,
}
