//! Where an idle connection's bytes go in the reactor (`make demo-scale`, docs/scale.md).
//!
//! ```text
//! cargo run --release -p servers --example conn_bytes
//! ```
//!
//! The reactor keeps one record per connection in a `Slab` (a `Vec` of entries, doubled as
//! it grows). That record is private to the reactor, so this example rebuilds its layout
//! from the public types of its fields — `ConnLayout` lists them in the order of
//! `reactor/src/conn.rs` at the time of writing — and prints the size of each, the record's,
//! the slab entry's, and what the slab's doubling adds per connection at N connections. The
//! measured figure (the server's memory growth divided by the connections) is in the tables
//! of `make demo-scale`; this says which field it is made of.

use std::mem::size_of;
use std::time::Instant;

use reactor::{CloseReason, Interest, Outbox, Peer, Stream, TimerKey, Token};
use servers::proto::echo::Echo;

/// The over-the-mark record of `reactor/src/reactor/flow.rs` (private): since when, and the
/// bytes written then.
#[allow(dead_code)]
struct OverMark {
    since: Instant,
    written: u64,
}

/// The fields of the reactor's per-connection record, with their real types.
#[allow(dead_code)]
struct ConnLayout {
    stream: Stream,
    peer: Peer,
    state: Echo,
    inbuf: Vec<u8>,
    outbox: Outbox,
    registered: Interest,
    serial: u64,
    read_closed: bool,
    paused: bool,
    closing: Option<CloseReason>,
    shutdown_pending: bool,
    write_shut: bool,
    dead: bool,
    last_active: Instant,
    idle_timer: Option<TimerKey>,
    is_socket: bool,
    held_by: usize,
    holding: Vec<(Token, u64)>,
    over: Option<OverMark>,
}

/// `slab::Entry<T>`: `Vacant(next free key)` or `Occupied(T)` (its layout, for its size).
#[allow(dead_code)]
enum SlabEntry<T> {
    Vacant(usize),
    Occupied(T),
}

fn main() {
    let fields: [(&str, usize, &str); 19] = [
        (
            "stream",
            size_of::<Stream>(),
            "enum Tcp/Unix/Fd: a descriptor and a tag",
        ),
        (
            "peer",
            size_of::<Peer>(),
            "SocketAddr (v6-sized) or a path: only for logs",
        ),
        ("state", size_of::<Echo>(), "the echo handler keeps nothing"),
        (
            "inbuf",
            size_of::<Vec<u8>>(),
            "empty Vec: no heap until a partial frame",
        ),
        ("outbox", size_of::<Outbox>(), "VecDeque + counters + cork flag"),
        ("registered", size_of::<Interest>(), "two bools"),
        ("serial", size_of::<u64>(), ""),
        ("read_closed", size_of::<bool>(), "flag"),
        ("paused", size_of::<bool>(), "flag"),
        ("closing", size_of::<Option<CloseReason>>(), ""),
        ("shutdown_pending", size_of::<bool>(), "flag"),
        ("write_shut", size_of::<bool>(), "flag"),
        ("dead", size_of::<bool>(), "flag"),
        ("last_active", size_of::<Instant>(), "timespec"),
        ("idle_timer", size_of::<Option<TimerKey>>(), ""),
        ("is_socket", size_of::<bool>(), "flag"),
        ("held_by", size_of::<usize>(), "flow control (HoldSenders)"),
        ("holding", size_of::<Vec<(Token, u64)>>(), "flow control (HoldSenders)"),
        ("over", size_of::<Option<OverMark>>(), "flow control (HoldSenders)"),
    ];
    println!("{:<18} {:>5}  note", "Conn field", "bytes");
    for (name, bytes, note) in fields {
        println!("{name:<18} {bytes:>5}  {note}");
    }
    let sum: usize = fields.iter().map(|f| f.1).sum();
    let record = size_of::<ConnLayout>();
    let entry = size_of::<SlabEntry<ConnLayout>>();
    println!(
        "{:<18} {sum:>5}  (padding in the record: {})",
        "sum of fields",
        record - sum
    );
    println!("{:<18} {record:>5}", "Conn<Echo>");
    println!("{:<18} {entry:>5}  Vacant(usize) | Occupied(Conn)", "slab entry");
    println!();
    println!("The slab is a Vec: its capacity doubles, so at N connections it holds");
    println!("next_power_of_two(N) entries (the pages touched are the ones used):");
    for n in [1_000usize, 10_000, 100_000] {
        let cap = n.next_power_of_two();
        println!(
            "  N = {n:>7}: capacity {cap:>7}, {:>4} B reserved per connection",
            cap * entry / n
        );
    }
}
