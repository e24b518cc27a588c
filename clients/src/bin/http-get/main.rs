//! `http-get`: the lecture's first HTTP exercise — fetch a URL over a plain TCP socket.
//!
//! ```text
//! http-get [-i] [-I] [-o FILE] http://127.0.0.1:8080/index.html
//! ```
//! Resolve the host with `getaddrinfo(3)`, `connect(2)` to each address in turn (IPv4 or
//! IPv6), write one `GET` (or `HEAD` with `-I`) with a `Host` field, read the response head,
//! then the body as framed (`response.rs`). `-i` prints the head too; `-o` saves the body.
//! A status outside 2xx exits 1 with the status line on stderr; a network or protocol error
//! exits 1 with the reason; bad flags exit 2.

mod response;
mod url;

use clap::Parser;
use clients::connect::connect_tcp_within;
use reactor::closed_stdout::or_die_of_sigpipe;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Fetch a URL with HTTP/1.1 and print (or save) the body.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  http-get -i http://127.0.0.1:PORT/
  http-get -I http://127.0.0.1:PORT/hello.txt
  http-get -o page.html http://127.0.0.1:PORT/index.html"#)]
struct Args {
    /// Print the response head before the body.
    #[arg(short = 'i', long = "include")]
    include: bool,
    /// Send HEAD instead of GET (implies -i: the head is all there is).
    #[arg(short = 'I', long = "head")]
    head: bool,
    /// Write the body to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// http://host[:port]/path
    url: String,
}

/// How long a connect or a read may wait before the client gives up.
const TIMEOUT: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    match run(&args) {
        Ok(code) if (200..300).contains(&code) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("http-get: {e}");
            ExitCode::from(1)
        }
    }
}

/// Fetch; returns the status code (the status line is already on stderr if not 2xx).
fn run(args: &Args) -> io::Result<u16> {
    let url = url::parse(&args.url).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let stream = connect(&url.host, url.port)?;
    let method = if args.head { "HEAD" } else { "GET" };
    let request = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: http-get\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.target, url.authority
    );
    (&stream).write_all(request.as_bytes())?;
    let mut reader = BufReader::new(&stream);
    let head = response::read_head(&mut reader)?;
    if !(200..300).contains(&head.code) {
        eprintln!("{}", head.status_line);
    }
    let stdout = io::stdout();
    let mut console = BufWriter::new(stdout.lock());
    if args.include || args.head {
        or_die_of_sigpipe(console.write_all(&head.raw))?;
    }
    match &args.output {
        Some(path) => {
            let mut file = BufWriter::new(File::create(path)?);
            response::copy_body(&mut reader, &head, args.head, &mut file)?;
            file.flush()?;
        }
        None => {
            // The body's reads are from the socket (never EPIPE), its writes to stdout.
            or_die_of_sigpipe(response::copy_body(&mut reader, &head, args.head, &mut console))?;
        }
    }
    or_die_of_sigpipe(console.flush())?;
    Ok(head.code)
}

/// getaddrinfo, then try each address until one connects (the lecture's connect loop, in
/// `clients::connect`), each within [`TIMEOUT`].
fn connect(host: &str, port: u16) -> io::Result<TcpStream> {
    let (stream, _addr) = connect_tcp_within(host, &port.to_string(), Some(TIMEOUT))
        .map_err(|e| io::Error::other(format!("{host}: {e}")))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    Ok(stream)
}
