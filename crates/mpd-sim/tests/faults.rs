//! Every fault, and the daemon's own connection-dropping rules, observed
//! from a raw socket client.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{ask, connect, receive, send, Answer};
use mpd_sim::{Fault, Privilege, Sim, SimHandle, Version};

fn sim(v: Version) -> SimHandle {
    Sim::builder()
        .version(v)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .unwrap()
}

#[test]
fn reply_delay() {
    let sim = Sim::builder()
        .reply_delay(Duration::from_millis(300))
        .checker_tick(None)
        .start()
        .unwrap();
    let mut s = connect(&sim);
    let t = Instant::now();
    assert_eq!(
        ask(&mut s, "show maps raw format %n").text(),
        "mpatha\nmpathb\n"
    );
    assert!(t.elapsed() >= Duration::from_millis(300));
    sim.set_reply_delay(Duration::ZERO);
    let t = Instant::now();
    ask(&mut s, "show daemon").text();
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[test]
fn timeout_text_per_version_and_command_not_run() {
    for (v, text) in [
        (Version::V0_8_5, "timeout\n"),
        (Version::V0_9_4, "timeout\n"),
        (Version::V0_11_1, "fail\ntimeout\n"),
        (Version::V0_15_1, "fail\ntimeout\n"),
    ] {
        let sim = Sim::builder()
            .version(v)
            .fault(Fault::Timeout)
            .privilege(Privilege::Root)
            .checker_tick(None)
            .start()
            .unwrap();
        let mut s = connect(&sim);
        assert_eq!(ask(&mut s, "fail path sda").text(), text, "{v}");
        assert_eq!(ask(&mut s, "show maps").text(), text, "{v}");
        assert_eq!(
            sim.state().path("sda").unwrap().dm_state,
            Some(mpd_proto::model::PathDmState::Active)
        );
        // A healthy sim again, on the same connection.
        sim.set_fault(Fault::None);
        assert_eq!(
            ask(&mut s, "show maps raw format %n").text(),
            "mpatha\nmpathb\n"
        );
    }
}

#[test]
fn drop_mid_reply_sends_part_then_closes() {
    let sim = sim(Version::V0_9_4);
    let mut s = connect(&sim);
    assert_eq!(
        ask(&mut s, "show maps raw format %n").text(),
        "mpatha\nmpathb\n"
    );
    sim.set_fault(Fault::DropMidReply);
    send(&mut s, b"show maps raw format %n").unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let len = usize::from_ne_bytes(all[..8].try_into().unwrap());
    assert_eq!(len, "mpatha\nmpathb\n\0".len());
    assert!(
        all.len() > 8 && all.len() < 8 + len,
        "got {} bytes",
        all.len()
    );
    assert_eq!(&all[8..], &b"mpatha\nmpathb\n\0"[..all.len() - 8]);
}

#[test]
fn bad_length_prefixes() {
    for n in [0u64, 1 << 40] {
        let sim = sim(Version::V0_9_4);
        sim.set_fault(Fault::BadLength(n));
        let mut s = connect(&sim);
        send(&mut s, b"show daemon").unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        assert_eq!(u64::from_ne_bytes(all[..8].try_into().unwrap()), n);
        assert!(all[8..].starts_with(b"pid "));
        assert!(mpd_proto::frame::Decoder::for_replies()
            .decode(&all)
            .is_err());
    }
}

#[test]
fn hang_never_answers_until_cleared_for_new_commands() {
    let sim = sim(Version::V0_9_4);
    let mut healthy = connect(&sim);
    assert!(ask(&mut healthy, "show daemon").text().starts_with("pid "));
    sim.set_fault(Fault::Hang);
    let mut s = connect(&sim);
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert_eq!(ask(&mut s, "fail path sda"), Answer::Silent);
    // Connections opened before the fault misbehave too.
    healthy
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert_eq!(ask(&mut healthy, "show daemon"), Answer::Silent);
    assert_eq!(
        sim.state().path("sda").unwrap().dm_state,
        Some(mpd_proto::model::PathDmState::Active)
    );
    sim.set_fault(Fault::None);
    let mut fresh = connect(&sim);
    assert!(ask(&mut fresh, "show daemon").text().starts_with("pid "));
    // Stopping does not wait for the hung client.
    let t = Instant::now();
    sim.stop();
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[test]
fn close_without_reply() {
    let sim = Sim::builder()
        .fault(Fault::CloseWithoutReply)
        .checker_tick(None)
        .start()
        .unwrap();
    let mut s = connect(&sim);
    assert_eq!(ask(&mut s, "show maps"), Answer::Closed { got: 0 });
}

#[test]
fn over_512_bytes_closes_without_reply() {
    let sim = sim(Version::V0_9_4);
    // 511 characters + NUL = 512: accepted.
    let mut s = connect(&sim);
    let cmd = format!("show map {} json", "x".repeat(511 - 14));
    assert_eq!(cmd.len(), 511);
    assert_eq!(ask(&mut s, &cmd).text(), "fail\n");
    // 512 + NUL: the daemon drops the connection.
    let cmd = format!("show map {} json", "x".repeat(512 - 14));
    assert_eq!(ask(&mut s, &cmd), Answer::Closed { got: 0 });
    // A length prefix alone is enough.
    let mut s = connect(&sim);
    s.write_all(&(100_000usize).to_ne_bytes()).unwrap();
    assert_eq!(receive(&mut s), Answer::Closed { got: 0 });
    // So is a zero length.
    let mut s = connect(&sim);
    s.write_all(&0usize.to_ne_bytes()).unwrap();
    assert_eq!(receive(&mut s), Answer::Closed { got: 0 });
    assert!(sim.is_running());
}

#[test]
fn commands_split_across_writes_and_pipelined() {
    let sim = sim(Version::V0_9_4);
    let mut s = connect(&sim);
    let mut wire = mpd_proto::frame::encode_frame(b"show maps raw format %n");
    wire.extend(mpd_proto::frame::encode_frame(b"show paths raw format %d"));
    for chunk in wire.chunks(3) {
        s.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(receive(&mut s).text(), "mpatha\nmpathb\n");
    assert_eq!(receive(&mut s).text(), "sda\nsdb\nsdc\nsdd\n");
}

#[test]
fn stalled_command_gets_timeout_or_close() {
    // The daemon gives a client 4 s (uxsock_timeout) to send the command
    // whose length it read: 0.9+ answer "timeout", 0.8 drop the client.
    let cases = [
        (Version::V0_8_5, Answer::Closed { got: 0 }),
        (Version::V0_9_4, Answer::Reply(b"timeout\n\0".to_vec())),
        (
            Version::V0_11_1,
            Answer::Reply(b"fail\ntimeout\n\0".to_vec()),
        ),
        (
            Version::V0_15_1,
            Answer::Reply(b"fail\ntimeout\n\0".to_vec()),
        ),
    ];
    let threads: Vec<_> = cases
        .into_iter()
        .map(|(v, want)| {
            std::thread::spawn(move || {
                let sim = sim(v);
                let mut s = connect(&sim);
                s.write_all(&20usize.to_ne_bytes()).unwrap();
                s.write_all(b"show").unwrap();
                let t = Instant::now();
                assert_eq!(receive(&mut s), want, "{v}");
                assert!(t.elapsed() >= Duration::from_millis(3500), "{v}");
                if v != Version::V0_8_5 {
                    // The connection is still usable afterwards.
                    assert!(ask(&mut s, "show daemon").text().starts_with("pid "));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn commands_are_c_strings_and_need_no_nul() {
    let sim = sim(Version::V0_9_4);
    let mut s = connect(&sim);
    // Text after a NUL is ignored, as in C.
    s.write_all(&20usize.to_ne_bytes()).unwrap();
    s.write_all(b"show daemon\0garbage\0").unwrap();
    assert!(receive(&mut s).text().starts_with("pid "));
    // An empty command: "Not enough memory" help.
    assert!(ask(&mut s, "")
        .text()
        .starts_with(": Not enough memory\nmultipath-tools v0.9.4"));
}
