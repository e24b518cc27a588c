// A wrong lab 11: `RESET` without a name unwraps the missing word ("a client always sends
// one"): an ordinary typo panics the server and every client loses its connection.
// EXPECT: panicked at
// REGION: RESET in the text encoding
let name = words.next().unwrap().to_string();
no_more(words)?;
Ok(Command::Reset { name })
