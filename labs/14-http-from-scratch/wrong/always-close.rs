// A wrong lab 14: the lecture's loop `break`s after sending a file: every answer closes the
// connection, so HTTP/1.1 keep-alive (curl re-using it, pipelined requests) is lost.
// EXPECT: curl re-uses the connection
// REGION: answer one request
if req.method != "GET" && req.method != "HEAD" {
    ctx.send_vec(token, response::error(405, false));
    ctx.close(token);
    return;
}
let found = files::resolve(&self.root, &req.target)
    .and_then(|path| Some((File::open(&path).ok()?, path)))
    .and_then(|(file, path)| Some((file.metadata().ok()?.len(), file, path)));
let Some((len, file, path)) = found else {
    ctx.send_vec(token, response::error(404, false));
    ctx.close(token);
    return;
};
ctx.send_vec(token, response::head(200, files::content_type(&path), len, false));
if req.method == "GET" && len > 0 {
    ctx.send_file(token, file, 0, len);
}
ctx.close(token);
