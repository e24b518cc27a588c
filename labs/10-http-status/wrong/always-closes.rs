// A wrong lab 10: every /status answer closes the connection ("it is a small JSON"), whatever
// the client asked: HTTP/1.1 keeps the connection open unless the request says close.
// EXPECT: keeps the connection open
// REGION: the /status route
let close = true;
if let Method::Other(_) = req.method {
    let allow = [("Allow", "GET, HEAD")];
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
