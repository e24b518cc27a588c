// A wrong lab 11: the name is read, and whatever follows it is silently ignored:
// `RESET hits now` resets hits. One word, nothing after it, says the grammar; the other text
// commands refuse extra words with ERR bad-command.
// EXPECT: RESET hits now
// REGION: RESET in the text encoding
let name = word(words.next(), "RESET name")?;
Ok(Command::Reset { name })
