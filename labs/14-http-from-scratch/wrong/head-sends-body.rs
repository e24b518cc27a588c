// A wrong lab 14: HEAD is answered like GET, body included; on a kept-alive connection the
// body is then read as the beginning of the next response.
// EXPECT: without the body
// REGION: answer one request
if req.method != "GET" && req.method != "HEAD" {
    ctx.send_vec(token, response::error(405, req.keep_alive));
    return;
}
let found = files::resolve(&self.root, &req.target)
    .and_then(|path| Some((File::open(&path).ok()?, path)))
    .and_then(|(file, path)| Some((file.metadata().ok()?.len(), file, path)));
let Some((len, file, path)) = found else {
    ctx.send_vec(token, response::error(404, req.keep_alive));
    return;
};
ctx.send_vec(token, response::head(200, files::content_type(&path), len, req.keep_alive));
if len > 0 {
    ctx.send_file(token, file, 0, len);
}
