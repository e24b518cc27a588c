// A wrong lab 17: a compression pointer's offset is taken from its second byte only, which
// is right while the message is shorter than 256 bytes (dnsmasq's small answers) and wrong
// past that.
// EXPECT: a pointer is 14 bits
// REGION: a name, following compression pointers with a loop guard
let mut name = String::new();
let mut at = pos;
let mut end = None;
let mut jumps = 0;
loop {
    let len = *msg.get(at).ok_or("truncated name")?;
    if len & 0xc0 == 0xc0 {
        let target = usize::from(*msg.get(at + 1).ok_or("truncated pointer")?);
        jumps += 1;
        if jumps > MAX_JUMPS {
            return Err("pointer loop".into());
        }
        end.get_or_insert(at + 2);
        at = target;
    } else if len == 0 {
        if name.is_empty() {
            name.push('.');
        }
        return Ok((name, end.unwrap_or(at + 1)));
    } else {
        let label = msg.get(at + 1..at + 1 + usize::from(len)).ok_or("truncated label")?;
        name.push_str(&String::from_utf8_lossy(label));
        name.push('.');
        at += 1 + usize::from(len);
    }
}
