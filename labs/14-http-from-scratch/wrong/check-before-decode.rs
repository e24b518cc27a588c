// A wrong lab 14: `..` is looked for before the %XX escapes are decoded, and the decoded
// path is joined to the root as it is: /%2e%2e/ climbs out, and so do symbolic links.
// EXPECT: decode %XX first
// REGION: from the target to a file under the root
let path = target.split(['?', '#']).next()?;
if !path.starts_with('/') || path.split('/').any(|s| s == "..") {
    return None;
}
let decoded = percent_decode(path)?;
let mut file = root.join(decoded.trim_start_matches('/'));
if file.is_dir() {
    file.push("index.html");
}
file.is_file().then_some(file)
