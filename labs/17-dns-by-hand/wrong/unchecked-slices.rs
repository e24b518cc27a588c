// A wrong lab 17: the fields are read by indexing the message (msg[i]) without checking
// its length first: a truncated answer panics the client instead of being reported.
// EXPECT: it PANICKED
// REGION: the answer: header, skip the question, the records
let header = parse_header(msg)?;
if header.id != id {
    return Err(format!("id {} is not our query's {id}", header.id));
}
let be16 = |i: usize| u16::from_be_bytes([msg[i], msg[i + 1]]);
let mut pos = 12;
for _ in 0..header.qdcount {
    let (_, end) = read_name(msg, pos)?;
    pos = end + 4;
}
let mut records = Vec::new();
for _ in 0..header.ancount {
    let (name, end) = read_name(msg, pos)?;
    let rtype = be16(end);
    let ttl = u32::from(be16(end + 4)) << 16 | u32::from(be16(end + 6));
    let rdlength = usize::from(be16(end + 8));
    let start = end + 10;
    let data = rdata(msg, start, rdlength, rtype)?;
    records.push(Record { name, rtype, ttl, data });
    pos = start + rdlength;
}
Ok(Answer { header, records })
