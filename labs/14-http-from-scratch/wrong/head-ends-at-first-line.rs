// A wrong lab 14: the head is taken to end at the first line end, like the lecture's
// fgets loop: the request line is answered, then `Host: …` is read as the next request.
// EXPECT: a 404 keeps the connection
// REGION: find the end of the head
input.iter().position(|&b| b == b'\n').map(|i| i + 1)
