// A wrong lab 6: only POLLIN is ever asked for ("the server waits for clients to speak"):
// a socket whose output is pending is never watched for POLLOUT, so after a short write the
// rest of the echo waits forever.
// EXPECT: POLLOUT in events
// REGION: interest to POLLIN and POLLOUT
let mut flags = PollFlags::empty();
if interest.readable {
    flags |= PollFlags::POLLIN;
}
flags
