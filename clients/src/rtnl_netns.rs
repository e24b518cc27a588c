//! Which named network namespace a veth's peer lives in: `link-netns NAME`.
//!
//! A link whose other end is in another namespace carries `IFLA_LINK_NETNSID`: a number
//! (an *nsid*) that only means something inside this namespace. `ip netns add NAME` keeps a
//! namespace alive by bind-mounting it on `/run/netns/NAME`; to name an nsid, `ip` opens
//! each of those files and asks the kernel which nsid that namespace has here
//! (`RTM_GETNSID` with `NETNSA_FD`). We do the same; a namespace that has no file there
//! (one made by `unshare -n`, a container's) stays a number: `link-netnsid N`.

use std::fs::{self, File};
use std::os::fd::AsRawFd;

use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::RouteNetlinkMessage;

use crate::netlink;

/// Where `ip netns add` mounts the namespaces it names.
const NETNS_RUN_DIR: &str = "/run/netns";

/// The name of the namespace known here as `nsid`, if one of `/run/netns` is it.
pub fn name_of_nsid(nsid: i32) -> Option<String> {
    let entries = fs::read_dir(NETNS_RUN_DIR).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names.into_iter().find(|name| nsid_of_file(name) == Some(nsid))
}

/// `RTM_GETNSID` for the namespace mounted at `/run/netns/NAME` (an open file of it).
fn nsid_of_file(name: &str) -> Option<i32> {
    let file = File::open(format!("{NETNS_RUN_DIR}/{name}")).ok()?;
    let fd = u32::try_from(file.as_raw_fd()).ok()?;
    let mut request = NsidMessage::default();
    request.attributes.push(NsidAttribute::Fd(fd));
    match netlink::ask(RouteNetlinkMessage::GetNsId(request)).ok()? {
        RouteNetlinkMessage::NewNsId(answer) => answer.attributes.iter().find_map(|a| match a {
            NsidAttribute::Id(id) if *id >= 0 => Some(*id),
            _ => None,
        }),
        _ => None,
    }
}
