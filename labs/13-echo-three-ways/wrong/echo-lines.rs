// EXPECT: waiting for a newline
// An echo by lines, as text: fine for `hello`, but a line comes back only once its newline
// has come (sent byte by byte, nothing returns), and a binary stream is not UTF-8: the
// connection ends on the first invalid byte.
// REGION: echo every byte until end of file
use std::io::BufRead;
let reader = std::io::BufReader::new(stream.try_clone()?);
for line in reader.lines() {
    let line = line?;
    stream.write_all(line.as_bytes())?;
    stream.write_all(b"\n")?;
}
Ok(())
