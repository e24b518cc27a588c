// A wrong lab 17: after a record, the next one is read right after its fixed fields, not
// after its RDATA: a one-record answer works, the second record of an MX answer is garbage.
// EXPECT: the next record starts RDLENGTH bytes after the RDATA starts
// REGION: the answer: header, skip the question, the records
let header = parse_header(msg)?;
if header.id != id {
    return Err(format!("id {} is not our query's {id}", header.id));
}
let mut pos = 12;
for _ in 0..header.qdcount {
    let (_, end) = read_name(msg, pos)?;
    pos = end + 4;
}
let mut records = Vec::new();
for _ in 0..header.ancount {
    let (name, end) = read_name(msg, pos)?;
    let rtype = u16_at(msg, end, "TYPE")?;
    let ttl = u32::from(u16_at(msg, end + 4, "TTL")?) << 16 | u32::from(u16_at(msg, end + 6, "TTL")?);
    let rdlength = usize::from(u16_at(msg, end + 8, "RDLENGTH")?);
    let start = end + 10;
    if msg.len() < start + rdlength {
        return Err("truncated RDATA".into());
    }
    let data = rdata(msg, start, rdlength, rtype)?;
    records.push(Record { name, rtype, ttl, data });
    pos = start;
}
Ok(Answer { header, records })
