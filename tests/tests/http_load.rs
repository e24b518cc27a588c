//! `http-server` under load and against clients that misbehave with big files: 200
//! keep-alive clients at once, a 64 MiB file whose sha256 must match, and a client that asks
//! for 1 GiB and never reads — the server's memory must stay flat and others be served.

#[path = "http_common.rs"]
mod common;

use common::{curl, for_each_model, read_reply, site, start};
use std::fs::File;
use std::io::Write;
use std::time::Duration;
use tests::{child_pids, raise_nofile, rss_kib, write_all, ALL_MODELS, CONCURRENT_MODELS};

#[test]
fn two_hundred_keep_alive_clients_at_once() {
    raise_nofile(4096);
    for_each_model(CONCURRENT_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        // All connections open before any is answered twice: the server holds 200 at once.
        let mut clients: Vec<_> = (0..200).map(|_| server.connect()).collect();
        for round in 0..2 {
            for client in clients.iter_mut() {
                write_all(client, b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            for (i, client) in clients.iter_mut().enumerate() {
                let reply = read_reply(client, false);
                assert_eq!(
                    (reply.status, reply.body.as_slice()),
                    (200, &b"hello, world\n"[..]),
                    "{model}: client {i} round {round}"
                );
            }
        }
    });
}

/// sha256sum of a file, by the coreutils tool.
fn sha256(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split(' ')
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_64_mib_file_arrives_intact() {
    let dir = site();
    let mut file = File::create(dir.path().join("big.bin")).expect("create");
    let mut x: u32 = 12345;
    let block: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    for i in 0..64u8 {
        let mut b = block.clone();
        b[0] = i; // every MiB differs: a misplaced chunk changes the hash
        file.write_all(&b).expect("write");
    }
    drop(file);
    let want = sha256(&dir.path().join("big.bin"));
    let root = dir.path().to_path_buf();
    let models: Vec<&'static str> = ALL_MODELS.to_vec();
    for model in models {
        let server = start(model, &root, &[]);
        let out = root.with_extension(format!("{model}.download"));
        let (code, _, err) = curl(&[
            "-o",
            out.to_str().expect("utf-8"),
            &format!("http://{}/big.bin", server.addr),
        ]);
        assert_eq!(code, 0, "{model}: curl: {err}");
        assert_eq!(sha256(&out), want, "{model}: sha256 of the download");
        let _ = std::fs::remove_file(out);
    }
}

#[test]
fn a_client_that_never_reads_a_huge_file_costs_no_memory() {
    for_each_model(CONCURRENT_MODELS, |model| {
        let dir = site();
        // Sparse: 1 GiB long, no disk blocks.
        File::create(dir.path().join("huge.bin"))
            .and_then(|f| f.set_len(1 << 30))
            .expect("sparse file");
        let server = start(model, dir.path(), &[]);
        let before = rss_kib(server.pid());
        let mut stuck = server.connect();
        write_all(&mut stuck, b"GET /huge.bin HTTP/1.1\r\nHost: t\r\n\r\n");
        // Give the server time to fill the socket buffers and block (or back off).
        std::thread::sleep(Duration::from_millis(700));
        let served = child_pids(server.pid()).into_iter().max();
        let measured = if model == "fork" {
            served.expect("fork: a child per client")
        } else {
            server.pid()
        };
        let (_, body, _) = curl(&[&format!("http://{}/hello.txt", server.addr)]);
        assert_eq!(body, b"hello, world\n", "{model}: another client is served meanwhile");
        let after = rss_kib(measured);
        assert!(
            after < before + 32 * 1024,
            "{model}: RSS grew from {before} KiB to {after} KiB while a client sat on 1 GiB"
        );
        drop(stuck);
    });
}
