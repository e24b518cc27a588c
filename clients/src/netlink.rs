//! rtnetlink: how `ip address` and `ip route` ask the kernel, over a socket.
//!
//! The kernel's routing subsystem answers on a datagram socket of family `AF_NETLINK`,
//! protocol `NETLINK_ROUTE`. A *dump* is one request and many replies:
//!
//! 1. `socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE)` (`ip` says `SOCK_RAW`: for netlink the
//!    two are the same), `bind` with port id 0 (the kernel picks ours: `getsockname` shows it);
//! 2. `send` one message `RTM_GETLINK`, `RTM_GETADDR` or `RTM_GETROUTE` with the flags
//!    `NLM_F_REQUEST | NLM_F_DUMP` and a sequence number;
//! 3. `recv` datagrams, each holding several messages (`RTM_NEWLINK`, `RTM_NEWADDR`,
//!    `RTM_NEWROUTE`: one per object), until the message `NLMSG_DONE`; an `NLMSG_ERROR`
//!    carries a negative errno.
//!
//! The byte layout of the messages (a 16-byte `nlmsghdr`, a family header, then
//! type-length-value attributes) is decoded by the `netlink-packet-route` crate; the socket
//! calls are here, one named function each, so `strace -e trace=network ifaces` shows
//! exactly the conversation this file has. Read [`dump`] first.

use std::io;

use netlink_packet_core::{NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket};

/// A receive buffer the size the kernel uses for dump replies (a page or 32 KiB, whichever
/// is larger), so no datagram is truncated.
const RECV_BUFFER: usize = 64 * 1024;

/// Send one dump request and collect every object of the answer, up to `NLMSG_DONE`.
pub fn dump(request: RouteNetlinkMessage) -> io::Result<Vec<RouteNetlinkMessage>> {
    dump_checked(request, false)
}

/// [`dump`], optionally *strictly checked* (`NETLINK_GET_STRICT_CHK`): the kernel then
/// honours the filters of the request (a table, an interface) and refuses one it cannot
/// satisfy. Extended acknowledgements (`NETLINK_EXT_ACK`) are on, so a refusal comes with
/// the kernel's own sentence: the error is then a [`DumpRefused`].
pub fn dump_checked(request: RouteNetlinkMessage, strict: bool) -> io::Result<Vec<RouteNetlinkMessage>> {
    let socket = open_route_socket()?;
    // Both options are refinements (Linux 4.12 and 4.20): without them the kernel sends
    // everything, unexplained errors stay bare, and the caller's own filter still applies.
    if let Err(e) = socket.set_ext_ack(true) {
        log::debug!("NETLINK_EXT_ACK: {e}");
    }
    if strict {
        if let Err(e) = socket.set_netlink_get_strict_chk(true) {
            log::debug!("NETLINK_GET_STRICT_CHK: {e}");
        }
    }
    let sequence = 1;
    send_request(&socket, request, sequence, NLM_F_REQUEST | NLM_F_DUMP)?;
    receive_until_done(&socket, sequence)
}

/// The kernel ended a dump with an error (in `NLMSG_DONE`) and, usually, a sentence
/// (`NLMSGERR_ATTR_MSG` of the extended acknowledgement).
#[derive(Debug)]
pub struct DumpRefused {
    pub errno: i32,
    pub message: Option<String>,
}

impl std::fmt::Display for DumpRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{m}"),
            None => write!(f, "{}", io::Error::from_raw_os_error(self.errno)),
        }
    }
}

impl std::error::Error for DumpRefused {}

/// `NLMSGERR_ATTR_MSG`: the extended acknowledgement's text, NUL-terminated.
const NLMSGERR_ATTR_MSG: u16 = 1;

/// Find the message among the attributes (`u16` length, `u16` type, value, padded to 4).
fn extack_message(mut tlvs: &[u8]) -> Option<String> {
    while tlvs.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes([tlvs[0], tlvs[1]]));
        let kind = u16::from_ne_bytes([tlvs[2], tlvs[3]]);
        if len < 4 || len > tlvs.len() {
            return None;
        }
        if kind == NLMSGERR_ATTR_MSG {
            let text = &tlvs[4..len];
            let text = text.split(|b| *b == 0).next().unwrap_or_default();
            return Some(String::from_utf8_lossy(text).into_owned());
        }
        tlvs = &tlvs[((len + 3) & !3).min(tlvs.len())..];
    }
    None
}

/// One request that is not a dump (`NLM_F_REQUEST` alone), one answer: the kernel's
/// message, or its `NLMSG_ERROR` as an error.
pub fn ask(request: RouteNetlinkMessage) -> io::Result<RouteNetlinkMessage> {
    let socket = open_route_socket()?;
    let sequence = 1;
    send_request(&socket, request, sequence, NLM_F_REQUEST)?;
    let mut buffer = vec![0u8; RECV_BUFFER];
    loop {
        let len = socket.recv(&mut &mut buffer[..], 0)?;
        let message = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&buffer[..len])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("netlink: {e}")))?;
        if message.header.sequence_number != sequence {
            continue;
        }
        return match message.payload {
            NetlinkPayload::InnerMessage(answer) => Ok(answer),
            NetlinkPayload::Error(e) if e.code.is_some() => Err(e.to_io()),
            _ => Err(io::Error::new(io::ErrorKind::InvalidData, "netlink: no answer")),
        };
    }
}

/// `socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE)` then `bind` with port id 0: the kernel
/// assigns one (our "address" on the netlink bus).
fn open_route_socket() -> io::Result<Socket> {
    let mut socket = Socket::new(NETLINK_ROUTE)?;
    socket.bind_auto()?;
    Ok(socket)
}

/// Encode the request (`nlmsghdr` + payload) and `send` it to the kernel (port id 0).
fn send_request(socket: &Socket, request: RouteNetlinkMessage, sequence: u32, flags: u16) -> io::Result<()> {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    header.sequence_number = sequence;
    let mut message = NetlinkMessage::new(header, NetlinkPayload::from(request));
    message.finalize();
    let mut bytes = vec![0; message.buffer_len()];
    message.serialize(&mut bytes);
    let sent = socket.send_to(&bytes, &netlink_sys::SocketAddr::new(0, 0), 0)?;
    if sent != bytes.len() {
        return Err(io::Error::other(format!(
            "netlink: sent {sent} of {} bytes",
            bytes.len()
        )));
    }
    Ok(())
}

/// `recv` datagrams and split each into messages until `NLMSG_DONE`.
fn receive_until_done(socket: &Socket, sequence: u32) -> io::Result<Vec<RouteNetlinkMessage>> {
    let mut objects = Vec::new();
    let mut buffer = vec![0u8; RECV_BUFFER];
    loop {
        let len = socket.recv(&mut &mut buffer[..], 0)?;
        if len == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "netlink: empty datagram"));
        }
        if split_datagram(&buffer[..len], sequence, &mut objects)? {
            return Ok(objects);
        }
    }
}

/// Decode the messages of one datagram into `objects`; true once `NLMSG_DONE` is seen.
/// Messages of another sequence number (not our request) are skipped.
fn split_datagram(mut bytes: &[u8], sequence: u32, objects: &mut Vec<RouteNetlinkMessage>) -> io::Result<bool> {
    while !bytes.is_empty() {
        let message = NetlinkMessage::<RouteNetlinkMessage>::deserialize(bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("netlink: {e}")))?;
        let length = message.header.length as usize;
        if length == 0 || length > bytes.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "netlink: bad message length",
            ));
        }
        // Messages are padded to 4 bytes (NLMSG_ALIGN).
        bytes = &bytes[((length + 3) & !3).min(bytes.len())..];
        if message.header.sequence_number != sequence {
            log::debug!(
                "netlink: skipped a message of sequence {}",
                message.header.sequence_number
            );
            continue;
        }
        match message.payload {
            NetlinkPayload::Done(done) if done.code < 0 => {
                let refused = DumpRefused {
                    errno: -done.code,
                    message: extack_message(&done.extended_ack),
                };
                let kind = io::Error::from_raw_os_error(refused.errno).kind();
                return Err(io::Error::new(kind, refused));
            }
            NetlinkPayload::Done(_) => return Ok(true),
            NetlinkPayload::Error(e) if e.code.is_some() => return Err(e.to_io()),
            NetlinkPayload::InnerMessage(object) => objects.push(object),
            _ => {}
        }
    }
    Ok(false)
}
