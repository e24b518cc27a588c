// A wrong lab 11: the RESET frame's name read as a str16 (a u16 length) like DESC's doc,
// although the protocol gives names a str8 (a u8 length): every RESET frame is misread.
// EXPECT: payload name str8
// REGION: the RESET frame's payload, read
Ok(Message::Request(Command::Reset { name: r.str16()? }))
