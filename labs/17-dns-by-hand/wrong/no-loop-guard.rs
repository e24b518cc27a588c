// A wrong lab 17: pointers are followed with no bound on their number: a pointer to itself
// (or back to a label before it) spins forever.
// EXPECT: a loop that never ends
// REGION: a name, following compression pointers with a loop guard
let mut name = String::new();
let mut at = pos;
let mut end = None;
loop {
    let len = *msg.get(at).ok_or("truncated name")?;
    if len & 0xc0 == 0xc0 {
        end.get_or_insert(at + 2);
        at = usize::from(u16_at(msg, at, "pointer")? & 0x3fff);
    } else if len == 0 {
        if name.is_empty() {
            name.push('.');
        }
        return Ok((name, end.unwrap_or(at + 1)));
    } else {
        let label = msg.get(at + 1..at + 1 + usize::from(len)).ok_or("truncated label")?;
        if name.len() < 255 {
            name.push_str(&String::from_utf8_lossy(label));
            name.push('.');
        }
        at += 1 + usize::from(len);
    }
}
