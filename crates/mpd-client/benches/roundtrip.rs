//! A command round trip through [`Client`] versus a bare `UnixStream`
//! write/read of the same frame, against the same in-process server.
//!
//! `cargo bench -p mpd-client --bench roundtrip` (goal: the client within
//! 1.2× of the bare socket).

use std::io::{Read, Write};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use mpd_client::Client;
use mpd_proto::frame::{encode_frame, Decoder};

/// Answers every command with `ok\n`, one thread per connection.
fn server() -> String {
    let name = format!("mpd-bench-{}", std::process::id());
    let listener =
        UnixListener::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let mut s = s.unwrap();
            std::thread::spawn(move || {
                let reply = encode_frame(b"ok\n");
                let mut dec = Decoder::for_commands();
                let mut buf = [0u8; 1024];
                loop {
                    let n = match s.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let mut chunk = &buf[..n];
                    while !chunk.is_empty() {
                        let (used, frame) = dec.decode(chunk).unwrap();
                        chunk = &chunk[used..];
                        if frame.is_some() && s.write_all(&reply).is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("@{name}")
}

fn bench(c: &mut Criterion) {
    let addr = server();
    let mut g = c.benchmark_group("round_trip_reconfigure");

    let mut client = Client::connect_to(addr.as_str()).unwrap();
    g.bench_function("mpd_client", |b| b.iter(|| client.reconfigure().unwrap()));

    let mut raw =
        UnixStream::connect_addr(&SocketAddr::from_abstract_name(&addr.as_bytes()[1..]).unwrap())
            .unwrap();
    let frame = encode_frame(b"reconfigure");
    let mut reply = [0u8; 12];
    g.bench_function("bare_unix_stream", |b| {
        b.iter(|| {
            raw.write_all(&frame).unwrap();
            raw.read_exact(&mut reply).unwrap();
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
