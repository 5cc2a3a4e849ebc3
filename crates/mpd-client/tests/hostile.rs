//! The client against daemons that misbehave: every case ends in a typed
//! error, quickly, with nothing sent twice.

mod common;

use std::time::{Duration, Instant};

use common::{Fake, Response};
use mpd_client::{Client, Error};
use mpd_proto::frame::{encode_frame, LEN_PREFIX};
use mpd_proto::FrameError;

fn client(f: &Fake, timeout: Duration) -> Client {
    Client::builder()
        .address(f.address.as_str())
        .timeout(timeout)
        .connect()
        .unwrap()
}

#[test]
fn a_daemon_that_never_answers_times_out_on_time() {
    let fake = Fake::start_abstract(|_| Response::Hang);
    let timeout = Duration::from_millis(1000);
    let mut c = client(&fake, timeout);
    let start = Instant::now();
    let e = c.list_maps().unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(e, Error::Timeout { after: t, .. } if t == timeout),
        "{e}"
    );
    assert!(
        took >= timeout && took <= timeout + timeout / 10,
        "took {took:?}"
    );
    // The stuck connection was dropped.
    assert!(!c.is_connected());
}

#[test]
fn a_reply_cut_short_is_connection_closed() {
    let mut bytes = 100usize.to_ne_bytes().to_vec();
    bytes.extend_from_slice(b"0123456789");
    let fake = Fake::start_abstract(move |_| Response::BytesThenClose(bytes.clone()));
    let e = client(&fake, Duration::from_secs(2))
        .list_paths()
        .unwrap_err();
    match e {
        Error::ConnectionClosed { detail, .. } => {
            assert!(
                detail.contains(&format!("{} of {}", LEN_PREFIX + 10, LEN_PREFIX + 100)),
                "{detail}"
            )
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_huge_announced_reply_is_refused_without_waiting_for_it() {
    let tib = 1usize << 40;
    let fake = Fake::start_abstract(move |_| Response::Bytes(tib.to_ne_bytes().to_vec()));
    let start = Instant::now();
    let e = client(&fake, Duration::from_secs(3))
        .topology()
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match e {
        Error::Protocol {
            source: mpd_proto::Error::Frame(FrameError::TooLong { len, .. }),
            ..
        } => {
            assert_eq!(len, tib as u64)
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_zero_length_is_a_protocol_error() {
    let fake = Fake::start_abstract(|_| Response::Bytes(0usize.to_ne_bytes().to_vec()));
    let e = client(&fake, Duration::from_secs(2))
        .reconfigure()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protocol {
                source: mpd_proto::Error::Frame(FrameError::ZeroLength),
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn garbage_is_a_protocol_error() {
    // Text where a length should be reads as an absurd length.
    let fake = Fake::start_abstract(|_| {
        Response::BytesThenClose(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec())
    });
    let e = client(&fake, Duration::from_secs(2)).status().unwrap_err();
    assert!(matches!(e, Error::Protocol { .. }), "{e}");

    // A well-framed payload without its NUL.
    let mut bytes = 2usize.to_ne_bytes().to_vec();
    bytes.extend_from_slice(b"ok");
    let fake = Fake::start_abstract(move |_| Response::Bytes(bytes.clone()));
    let e = client(&fake, Duration::from_secs(2))
        .reconfigure()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protocol {
                source: mpd_proto::Error::Frame(FrameError::MissingNul),
                ..
            }
        ),
        "{e}"
    );

    // Two replies to one command.
    let mut two = encode_frame(b"ok\n");
    two.extend(encode_frame(b"ok\n"));
    let fake = Fake::start_abstract(move |_| Response::Bytes(two.clone()));
    let e = client(&fake, Duration::from_secs(2))
        .reconfigure()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protocol {
                source: mpd_proto::Error::Frame(FrameError::Trailing(_)),
                ..
            }
        ),
        "{e}"
    );

    // Text that does not parse as the command's reply.
    let fake = Fake::start_abstract(|_| Response::Text("pid x\n".into()));
    let e = client(&fake, Duration::from_secs(2))
        .daemon_state()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protocol {
                source: mpd_proto::Error::Parse { .. },
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_daemon_that_accepts_and_closes() {
    let fake = Fake::start_abstract(|_| Response::Close);
    let mut c = client(&fake, Duration::from_secs(2));
    let e = c.fail_path("sda").unwrap_err();
    assert!(matches!(e, Error::ConnectionClosed { .. }), "{e}");
    // The command reached the daemon once and was not sent again.
    assert_eq!(fake.commands(), ["fail path \"sda\""]);
}

#[test]
fn idle_close_reconnects_once_and_never_resends() {
    // The daemon answers, then closes; the client notices before sending.
    let fake = Fake::start_path(|_| Response::TextThenClose("ok\n".into()));
    let mut c = client(&fake, Duration::from_secs(2));
    // (A close that races with the next send cannot be seen in advance;
    // give the daemon's close time to land, as an idle connection would.)
    for _ in 0..3 {
        c.reconfigure().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(fake.connections(), 3);
    assert_eq!(fake.commands().len(), 3);
}

#[test]
fn connect_failures_name_the_address() {
    let e = Client::connect_to("/nonexistent/dir/multipathd.socket").unwrap_err();
    match e {
        Error::Connect { address, .. } => assert_eq!(address, "/nonexistent/dir/multipathd.socket"),
        other => panic!("{other}"),
    }
    let e = Client::connect_to("@mpd-client-test-nobody-listens-here").unwrap_err();
    assert!(
        matches!(e, Error::Connect { ref address, .. } if address == "@mpd-client-test-nobody-listens-here"),
        "{e}"
    );
    // With the override variable pointing nowhere, discovery fails the same way.
    let e = Client::builder()
        .address("@mpd-client-test-also-nobody")
        .connect()
        .unwrap_err();
    assert!(matches!(e, Error::Connect { .. }));
}

#[test]
fn bad_arguments_never_reach_the_daemon() {
    let fake = Fake::start_abstract(|_| Response::Text("ok\n".into()));
    let mut c = client(&fake, Duration::from_secs(2));
    for r in [
        c.fail_path(""),
        c.fail_path("sda\nshutdown"),
        c.suspend_map("a\0b"),
        c.remove_map(&"x".repeat(600)),
        c.switch_group("mpatha", 0),
        c.set_pr_key("mpatha", "not-a-key"),
    ] {
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
    }
    assert!(fake.commands().is_empty());
    // The connection is still good.
    c.reconfigure().unwrap();
    assert_eq!(fake.commands(), ["reconfigure"]);
}

#[test]
fn pathname_and_abstract_sockets_both_work() {
    for fake in [
        Fake::start_path(|_| Response::Text("pid 42 idle\n".into())),
        Fake::start_abstract(|_| Response::Text("pid 42 idle\n".into())),
    ] {
        let mut c = Client::connect_to(fake.address.as_str()).unwrap();
        assert_eq!(c.daemon_state().unwrap().pid, 42);
        assert_eq!(c.address().to_string(), fake.address);
    }
}

#[test]
fn a_slow_reply_within_the_timeout_is_fine() {
    let fake = Fake::start_abstract(|_| {
        std::thread::sleep(Duration::from_millis(300));
        Response::Text("ok\n".into())
    });
    let mut c = client(&fake, Duration::from_secs(2));
    c.reconfigure().unwrap();
}

#[test]
fn replies_arriving_in_pieces_are_reassembled() {
    let big = "x".repeat(300_000) + "\n";
    let frame = encode_frame(big.as_bytes());
    let fake = Fake::start_abstract(move |_| Response::Bytes(frame.clone()));
    let mut c = client(&fake, Duration::from_secs(5));
    let text = c.call(&mpd_proto::Command::ShowConfig).unwrap();
    assert_eq!(text.len(), big.len());
}

#[test]
fn a_reply_over_the_configured_limit_is_refused() {
    let fake = Fake::start_abstract(|_| Response::Text("y".repeat(5000)));
    let mut c = Client::builder()
        .address(fake.address.as_str())
        .max_reply_len(1024)
        .connect()
        .unwrap();
    let e = c.config().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protocol {
                source: mpd_proto::Error::Frame(FrameError::TooLong {
                    len: 5001,
                    max: 1024
                }),
                ..
            }
        ),
        "{e}"
    );
}
