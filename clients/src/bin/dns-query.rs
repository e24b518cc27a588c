//! `dns-query`: a small `dig`. Builds a DNS query by hand, sends it over UDP/53 (TCP if the
//! answer is truncated), checks and parses the answer, prints it in dig's layout.
//!
//! Read `clients::dns` in order (`name`, `message`, `rdata`, `transport`, `print`); this
//! file only turns flags into a query and the answer into text. Compare
//! `strace -e trace=network dns-query example.com` with `strace -f resolve example.com`.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clients::dns::message::build_query;
use clients::dns::name::reverse_name;
use clients::dns::print::{render, render_bad_packet, Meta};
use clients::dns::transport::{exchange, random_id, Options, Reply};
use clients::dns::{config, DnsError, RecordType};

const LONG_ABOUT: &str = "\
Ask a DNS server about NAME, like `dig`: the query is built by hand (RFC 1035 header and
question, an EDNS0 OPT record unless --no-edns), sent over UDP to port 53 and retried on
timeout; a truncated answer (TC bit) is asked again over TCP. A reply with the wrong ID or
question, or shorter than a header, is ignored (and logged) until the timeout, as dig does.
A broken reply with our ID is shown as dig shows it: what could be read, with dig's
warnings (QR not set, malformed packet, extra bytes at the end, no recursion, EDNS refused:
retry with --no-edns); one that cannot be read at all (a bad compression pointer) as a hex
dump.
The answer is printed in dig's layout (HEADER, OPT PSEUDOSECTION with Extended DNS Errors,
QUESTION, ANSWER, AUTHORITY, ADDITIONAL, query time, server). Types: A, NS, CNAME, SOA,
PTR, HINFO, MX, TXT, AAAA, SRV, NAPTR, DS, SSHFP, DNSKEY, TLSA, SVCB, HTTPS, CAA (each
shown in dig's presentation format), ANY (asked over TCP, as dig does), and any other as
TYPEnnn (shown in RFC 3597 form).
Names are in presentation format: `.` is the root, `\\.` a dot inside a label, `\\DDD` a
byte; the empty name is refused. The server is --server, else the first `nameserver` of
/etc/resolv.conf. -x ADDRESS asks for the PTR record of an address.

Exit status: 0 when an answer was received and printed, whatever its status (NXDOMAIN
included, as dig does; a packet shown as a hex dump too); 2 when there is no usable answer (timeout, connection refused,
malformed answer over TCP) or on invalid input.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "Query a DNS server by hand and print the answer like dig", after_help = r#"Examples:
  dns-query example.com
  dns-query -t MX example.com --server 127.0.0.1:5353
  dns-query -x 127.0.0.1"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// The name to look up (example.com; `.` is the root; `a\.b.example` has a dot inside
    /// its first label, `\DDD` is a byte in decimal, as in dig and zone files).
    #[arg(required_unless_present = "reverse", conflicts_with = "reverse")]
    name: Option<String>,
    /// Record type: A, NS, CNAME, SOA, PTR, HINFO, MX, TXT, AAAA, SRV, NAPTR, DS, SSHFP,
    /// DNSKEY, TLSA, SVCB, HTTPS, CAA, ANY, or TYPEnnn.
    #[arg(long = "type", short = 't', default_value = "A")]
    qtype: RecordType,
    /// Reverse lookup: ask for the PTR record of this IPv4 or IPv6 address.
    #[arg(short = 'x', value_name = "ADDRESS")]
    reverse: Option<IpAddr>,
    #[arg(long, value_name = "IP[:PORT]", value_parser = config::parse_server)]
    #[arg(help = "Server to ask: IP, IP:PORT or [IPv6]:PORT (default: the first nameserver \
                  of /etc/resolv.conf)")]
    server: Option<std::net::SocketAddr>,
    /// Ask over TCP straight away instead of UDP.
    #[arg(long)]
    tcp: bool,
    /// Seconds the whole exchange may take, retries and TCP fallback included.
    #[arg(long, value_name = "S", default_value = "5", value_parser = parse_timeout)]
    timeout: Duration,
    /// How many times to send the UDP query before giving up.
    #[arg(long, default_value = "3", value_parser = clap::value_parser!(u32).range(1..=10))]
    tries: u32,
    /// Do not add the EDNS0 OPT record (then UDP answers are limited to 512 bytes).
    #[arg(long)]
    no_edns: bool,
    /// Clear RD: ask the server not to recurse (answer only from what it knows).
    #[arg(long)]
    norecurse: bool,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(0.01..=600.0).contains(&secs) {
        return Err(format!("{secs} s is out of range: 0.01 to 600 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dns-query: {e}");
            ExitCode::from(2)
        }
    }
}

/// The name and type actually asked: `-x` turns an address into its PTR name.
fn question(args: &Args) -> (String, RecordType) {
    match (args.reverse, &args.name) {
        (Some(addr), _) => (reverse_name(addr), RecordType::Ptr),
        (None, Some(name)) => (name.clone(), args.qtype),
        (None, None) => (".".to_string(), args.qtype),
    }
}

fn run(args: &Args) -> Result<(), DnsError> {
    let (name, qtype) = question(args);
    let query = build_query(random_id(), &name, qtype, !args.norecurse, !args.no_edns)?;
    let opts = Options {
        server: args.server.unwrap_or_else(config::default_server),
        // dig sends ANY over TCP: over UDP servers answer it minimally (RFC 8482).
        tcp: args.tcp || qtype == RecordType::Any,
        timeout: args.timeout,
        tries: args.tries,
    };
    let mut say_truncated = || {
        println!(";; Truncated, retrying in TCP mode.");
        let _ = std::io::Write::flush(&mut std::io::stdout());
    };
    let answer = exchange(&query, &opts, &mut say_truncated)?;
    let meta = Meta {
        server: opts.server,
        transport: answer.transport,
        millis: answer.elapsed.as_millis(),
        size: answer.bytes.len(),
    };
    match &answer.reply {
        Reply::Parsed(parsed) => print!("{}", render(&format!("{name} {qtype}"), parsed, &meta, !args.no_edns)),
        Reply::BadPacket(said) => print!("{}", render_bad_packet(said, &answer.bytes)),
    }
    Ok(())
}
