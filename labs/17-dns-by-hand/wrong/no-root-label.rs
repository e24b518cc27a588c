// A wrong lab 17: the labels are written but not the empty root label that ends the name,
// so the server reads QTYPE as the next label's length.
// EXPECT: one datagram
// REGION: the name as labels
let name = name.strip_suffix('.').unwrap_or(name);
let mut out = Vec::with_capacity(name.len() + 2);
for label in name.split('.') {
    if label.is_empty() || label.len() > 63 {
        return Err(format!("bad label {label:?}"));
    }
    out.push(label.len() as u8);
    out.extend_from_slice(label.as_bytes());
}
Ok(out)
