// A wrong lab 14: the path is decoded and `..` refused, but the file's real path is never
// checked: a symbolic link inside the root that points outside it is followed.
// EXPECT: GET /link
// REGION: from the target to a file under the root
let path = target.split(['?', '#']).next()?;
if !path.starts_with('/') {
    return None;
}
let decoded = percent_decode(path)?;
let mut file = root.to_path_buf();
for segment in decoded.split('/') {
    match segment {
        "" | "." => {}
        ".." => return None,
        s if s.contains('\0') || s.contains('\\') => return None,
        s => file.push(s),
    }
}
if file.is_dir() {
    file.push("index.html");
}
file.is_file().then_some(file)
