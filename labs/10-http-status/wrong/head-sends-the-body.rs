// A wrong lab 10: HEAD is answered like GET, body included. HEAD's answer is the head alone
// (RFC 9110 §9.3.2): on a keep-alive connection the extra body is read as the start of the
// next response.
// EXPECT: HEAD sends the head of GET without its body
// REGION: the /status route
let close = !req.keep_alive;
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
let body_len = body.len() as u64;
let body = Body::Bytes(body);
Response {
    status: Status::Ok,
    head,
    body,
    close,
    body_len,
    why: None,
}
