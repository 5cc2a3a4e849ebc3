//! The async client (feature `tokio`) against the simulated daemon and
//! the fake daemons of `common`: every operation and job, compared with
//! the blocking client on an identical daemon; 1,000 concurrent tasks on
//! one client and on a pool; cancellation at every point of a command;
//! a hung daemon; the reply limit; a daemon restart under the async watch.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Fake, Response};
use futures_core::Stream;
use mpd_client::mpd_proto::frame::encode_frame;
use mpd_client::mpd_proto::ops::{JOBS, OPERATIONS};
use mpd_client::watch::{AsyncWatch, WatchOptions};
use mpd_client::{
    AsyncClient, Client, ErrorKind, Event, PathWant, PeerTrust, RemoveOptions, WaitOptions,
};
use mpd_sim::{Fault, Sim, SimHandle, Version};

const VERSIONS: [Version; 4] = [
    Version::V0_8_5,
    Version::V0_9_4,
    Version::V0_11_1,
    Version::V0_15_1,
];

fn sim(v: Version, maps: usize, per_map: usize) -> SimHandle {
    Sim::builder()
        .version(v)
        .maps(maps)
        .paths_per_map(per_map)
        .immediate(true)
        .checker_tick(None)
        .start()
        .expect("simulator starts")
}

/// An outcome as a comparable string: the value, or the error's kind
/// and message; durations measured (`elapsed`, `quiet_for`) left out.
fn shown<T: std::fmt::Debug>(r: &mpd_client::Result<T>) -> String {
    let s = match r {
        Ok(v) => format!("ok {v:?}"),
        Err(e) => format!("err {} {e}", e.kind()),
    };
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(at) = ["elapsed: ", "quiet_for: ", "unchanged for "]
        .iter()
        .filter_map(|k| rest.find(k).map(|i| i + k.len()))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find([',', ' ', '}', ')']).unwrap_or(rest.len());
        out.push('_');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every operation and job through the async client gives what the
/// blocking client gives on an identical daemon, on every release, in
/// the same order (so each sees the same state).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_and_job_matches_the_blocking_client() {
    for v in VERSIONS {
        let (sim_b, sim_a) = (sim(v, 2, 2), sim(v, 2, 2));
        let mut b = Client::connect_to(sim_b.address().as_str()).unwrap();
        let a = AsyncClient::connect_to(sim_a.address().as_str())
            .await
            .unwrap();
        let mut seen = BTreeSet::new();
        macro_rules! both {
            ($name:ident ( $($arg:expr),* )) => {{
                let rb = b.$name($($arg),*);
                let ra = a.$name($($arg),*).await;
                assert_eq!(shown(&ra), shown(&rb), "{v}: {}", stringify!($name));
                seen.insert(stringify!($name));
            }};
        }
        let quick = WaitOptions::timeout(Duration::from_millis(300));
        both!(list_paths());
        both!(list_maps());
        both!(topology());
        both!(map_topology("mpatha"));
        both!(topology_text());
        both!(status());
        both!(daemon_state());
        both!(map_status());
        both!(map_stats());
        both!(path_state("sda"));
        both!(config());
        both!(config_local());
        both!(wildcards());
        both!(blacklist());
        both!(devices());
        both!(health());
        both!(map_health("mpatha"));
        both!(fail_path("sda"));
        both!(wait_for_path("sda", &PathWant::failed(), &quick));
        both!(reinstate_path("sda"));
        both!(wait_for_path("sda", &PathWant::up(), &quick));
        both!(wait_for_map("mpatha", 2, &quick));
        both!(wait_for_map("nosuchmap", 1, &quick));
        both!(wait_settled(Duration::from_millis(50), &quick));
        both!(switch_group("mpatha", 1));
        both!(set_marginal("sdb"));
        both!(unset_marginal("sdb"));
        both!(unset_map_marginal("mpatha"));
        both!(suspend_map("mpatha"));
        both!(resume_map("mpatha"));
        both!(resize_map("mpatha"));
        both!(reset_map("mpatha"));
        both!(reload_map("mpatha"));
        both!(disable_map_queuing("mpatha"));
        both!(restore_map_queuing("mpatha"));
        both!(disable_queuing());
        both!(restore_queuing());
        both!(force_queuing_daemon());
        both!(restore_queuing_daemon());
        both!(reset_maps_stats());
        both!(reset_map_stats("mpatha"));
        both!(pr_status("mpatha"));
        both!(set_pr_status("mpatha"));
        both!(unset_pr_status("mpatha"));
        both!(pr_key("mpatha"));
        both!(set_pr_key("mpatha", "0x123abc"));
        both!(unset_pr_key("mpatha"));
        // 0.13+; older releases refuse them (UnknownCommand, by version).
        both!(pr_hold("mpatha"));
        both!(set_pr_hold("mpatha"));
        both!(unset_pr_hold("mpatha"));
        both!(set_pr_status_paths("mpatha", &["sda", "sdb"]));
        both!(remove_path("sdd"));
        both!(wait_paths_gone(&["sdd"], &quick));
        both!(add_path("sdd"));
        both!(remove_map("mpathb"));
        both!(wait_map_gone("mpathb", &quick));
        both!(add_map("mpathb"));
        both!(remove_map_safely("mpatha", &RemoveOptions::default()));
        both!(remove_map_safely("mpatha", &RemoveOptions::default()));
        both!(reconfigure());
        both!(reconfigure_all());
        both!(remove_maps());
        both!(add_path("bad\nname"));
        both!(daemon_version());
        both!(shutdown());
        // The named methods of both clients are the table's: none left out.
        let table: BTreeSet<&str> = OPERATIONS.iter().chain(JOBS).map(|o| o.name).collect();
        let missing: Vec<_> = table.difference(&seen).collect();
        assert!(missing.is_empty(), "not covered: {missing:?}");
    }
}

/// 1,000 tasks on one client: every command gets its own reply (the
/// commands take turns on the one connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_tasks_on_one_client() {
    let sim = sim(Version::V0_9_4, 3, 2);
    let client = AsyncClient::connect_to(sim.address().as_str())
        .await
        .unwrap();
    assert_eq!(client.connections(), 1);
    let maps = Client::connect_to(sim.address().as_str())
        .unwrap()
        .list_maps()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                c.list_maps().await.map(|m| m.len())
            } else {
                c.path_state("sda").await.map(|s| s.len())
            }
        }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let n = t.await.unwrap().unwrap();
        if i % 2 == 0 {
            assert_eq!(n, maps.len());
        }
    }
    assert_eq!(client.commands_sent(), 1000);
    assert_eq!(client.connections_abandoned(), 0);
}

/// 1,000 tasks on a pool of 8 connections: every reply right, and more
/// than one connection in use, never more than 8.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_tasks_on_a_pool() {
    let fake = Fake::start_abstract(|cmd| {
        std::thread::sleep(Duration::from_millis(1));
        Response::Text(format!("echo {cmd}\n"))
    });
    let pool = Client::builder()
        .address(fake.address.as_str())
        .connect_pool(8)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let c = pool.clone();
        tasks.push(tokio::spawn(async move {
            let cmd = mpd_client::Command::Raw {
                text: format!("show map m{i}"),
                shape: mpd_client::mpd_proto::ReplyShape::Data,
            };
            (i, c.call(&cmd).await)
        }));
    }
    for t in tasks {
        let (i, reply) = t.await.unwrap();
        assert_eq!(reply.unwrap(), format!("echo show map m{i}\n"));
    }
    let n = fake.connections();
    assert!((2..=8).contains(&n), "{n} connections");
    assert_eq!(pool.commands_sent(), 1000);
}

/// A command cancelled at every point — waiting for its turn, before its
/// reply, mid-reply — leaves the client right for the next command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_at_every_point_leaves_the_next_command_right() {
    let sim = Sim::builder()
        .version(Version::V0_11_1)
        .maps(2)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        .reply_delay(Duration::from_millis(20))
        .start()
        .unwrap();
    let client = AsyncClient::connect_to(sim.address().as_str())
        .await
        .unwrap();
    let maps = client.list_maps().await.unwrap();
    let mut cancelled = 0;
    for ms in [0u64, 1, 2, 5, 10, 15, 19, 21, 25, 30, 40] {
        let r = tokio::time::timeout(Duration::from_millis(ms), client.list_paths()).await;
        if r.is_err() {
            cancelled += 1;
        }
        // The next command gets its own reply, not the cancelled one's.
        assert_eq!(
            client.list_maps().await.unwrap(),
            maps,
            "cancelled after {ms} ms"
        );
    }
    assert!(cancelled >= 5, "{cancelled} cancelled");
    assert!(client.connections_abandoned() >= 1);

    // Cancelled while waiting for its turn: nothing was sent, no
    // connection dropped.
    let before = client.connections_abandoned();
    let sent = client.commands_sent();
    let busy = client.clone();
    let first = tokio::spawn(async move { busy.list_maps().await });
    // Until the first command holds the connection.
    while client.commands_sent() == sent {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let r = tokio::time::timeout(Duration::from_millis(2), client.status()).await;
    assert!(r.is_err());
    assert_eq!(first.await.unwrap().unwrap(), maps);
    assert_eq!(client.connections_abandoned(), before);
    assert_eq!(client.commands_sent(), sent + 1);
}

/// Cancelled with half a reply received: the rest is never read as the
/// next command's reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_mid_reply_drops_the_connection() {
    let fake = Fake::start_abstract(|cmd| {
        if cmd == "show paths" {
            // The length prefix and half the payload, then silence.
            let frame = encode_frame(b"half of a long reply\n");
            Response::Bytes(frame[..frame.len() / 2].to_vec())
        } else {
            Response::Text(format!("reply to {cmd}\n"))
        }
    });
    let client = AsyncClient::connect_to(fake.address.as_str())
        .await
        .unwrap();
    let half = mpd_client::Command::Raw {
        text: "show paths".into(),
        shape: mpd_client::mpd_proto::ReplyShape::Data,
    };
    let r = tokio::time::timeout(Duration::from_millis(100), client.call(&half)).await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(client.connections_abandoned(), 1);
    let next = mpd_client::Command::Raw {
        text: "show maps".into(),
        shape: mpd_client::mpd_proto::ReplyShape::Data,
    };
    assert_eq!(client.call(&next).await.unwrap(), "reply to show maps\n");
    assert_eq!(fake.connections(), 2);
    // A select! that drops the command for another branch, likewise.
    tokio::select! {
        r = client.call(&half) => panic!("{r:?}"),
        () = tokio::time::sleep(Duration::from_millis(50)) => {}
    }
    assert_eq!(client.call(&next).await.unwrap(), "reply to show maps\n");
    assert_eq!(fake.connections(), 3);
}

/// A hung daemon: the client's deadline, within 10 %.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_daemon_times_out_within_ten_percent_of_the_deadline() {
    let sim = sim(Version::V0_9_4, 1, 1);
    // 10 % of it (100 ms) covers the scheduler's delays under load.
    let deadline = Duration::from_secs(1);
    let client = Client::builder()
        .address(sim.address().as_str())
        .timeout(deadline)
        .connect_async()
        .await
        .unwrap();
    sim.set_fault(Fault::Hang);
    for _ in 0..3 {
        let t = Instant::now();
        let e = client.list_maps().await.unwrap_err();
        let took = t.elapsed();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
        assert!(
            took >= deadline && took <= deadline + deadline / 10,
            "timed out after {took:?}"
        );
    }
    sim.set_fault(Fault::None);
    assert_eq!(client.list_maps().await.unwrap().len(), 1);
}

/// The same faults as the blocking client: typed errors, then recovery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_limits_and_retries_as_the_blocking_client() {
    let sim = sim(Version::V0_11_1, 2, 2);
    let client = Client::builder()
        .address(sim.address().as_str())
        .timeout(Duration::from_millis(300))
        .connect_async()
        .await
        .unwrap();
    for (fault, kind) in [
        (Fault::DropMidReply, ErrorKind::ConnectionClosed),
        (Fault::CloseWithoutReply, ErrorKind::ConnectionClosed),
        (Fault::BadLength(0), ErrorKind::Protocol),
        (Fault::Timeout, ErrorKind::DaemonTimeout),
    ] {
        sim.set_fault(fault);
        let e = client.list_maps().await.unwrap_err();
        assert_eq!(e.kind(), kind, "{fault}: {e}");
        sim.set_fault(Fault::None);
        assert_eq!(client.list_maps().await.unwrap().len(), 2, "after {fault}");
    }
    // The reply limit.
    let small = Client::builder()
        .address(sim.address().as_str())
        .max_reply_len(100)
        .connect_async()
        .await
        .unwrap();
    let e = small.topology().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    assert_eq!(small.status().await.unwrap().paths, 4);
    // Retries of a read-only command while the daemon is busy; never of
    // an action.
    let retrying = Client::builder()
        .address(sim.address().as_str())
        .retry(mpd_client::RetryPolicy::attempts(3).backoff(Duration::from_millis(5)))
        .connect_async()
        .await
        .unwrap();
    sim.set_fault(Fault::Timeout);
    let e = retrying.list_maps().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DaemonTimeout);
    assert_eq!(retrying.retries(), 2);
    let e = retrying.fail_path("sda").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DaemonTimeout);
    assert_eq!(retrying.retries(), 2);
    sim.set_fault(Fault::None);
    // Invalid arguments never reach the daemon.
    let sent = retrying.commands_sent();
    let e = retrying.fail_path("sda\u{1}").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(retrying.commands_sent(), sent);
}

/// The daemon restarted while the client sat idle: the next command
/// reconnects once and is sent once; with no daemon, a Connect error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_while_idle_reconnects_once() {
    let sim1 = sim(Version::V0_8_5, 1, 1);
    let address = sim1.address();
    let client = AsyncClient::connect_to(address.as_str()).await.unwrap();
    assert_eq!(client.list_maps().await.unwrap().len(), 1);
    sim1.stop();
    let e = client.list_maps().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.to_string().contains(&address), "{e}");
    let sim2 = restart(Version::V0_11_1, &address, 2);
    assert_eq!(client.list_maps().await.unwrap().len(), 2);
    assert_eq!(
        client.daemon_version().await.unwrap(),
        Version::V0_11_1.daemon_version()
    );
    drop(sim2);
}

fn restart(v: Version, address: &str, maps: usize) -> SimHandle {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match Sim::builder()
            .version(v)
            .maps(maps)
            .paths_per_map(2)
            .immediate(true)
            .checker_tick(None)
            .socket(address)
            .start()
        {
            Ok(s) => return s,
            Err(e) if Instant::now() < deadline => {
                eprintln!("restart on {address}: {e}; retrying");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("restart on {address}: {e}"),
        }
    }
}

/// The next item of a stream, within `timeout`.
async fn next_item<S: Stream + Unpin>(s: &mut S, timeout: Duration) -> Option<S::Item> {
    let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *s).poll_next(cx));
    tokio::time::timeout(timeout, next)
        .await
        .expect("an item in time")
}

/// The async watch as a Stream: a path failure, then a daemon restart
/// mid-stream (unreachable, back with the new release, the changes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_stream_sees_changes_and_a_restart() {
    let sim1 = sim(Version::V0_9_4, 2, 2);
    let address = sim1.address();
    let client = Client::builder()
        .address(address.as_str())
        .timeout(Duration::from_millis(500))
        .connect_async()
        .await
        .unwrap();
    let options = WatchOptions {
        interval: Duration::from_millis(100),
        backoff_initial: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        uevents: false,
    };
    let mut watch = AsyncWatch::new(client.clone(), options);
    // The baseline: nothing to report.
    assert_eq!(watch.next_event(Duration::ZERO).await.unwrap(), None);
    assert_eq!(watch.listings_sent(), 1);
    let mut events = watch.into_stream();
    client.fail_path("sda").await.unwrap();
    let e = next_item(&mut events, Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(&e, Event::PathStateChanged { device, .. } if device == "sda"),
        "{e:?}"
    );
    // Drain the rest of that poll's events.
    while let Ok(Some(_)) = tokio::time::timeout(
        Duration::from_millis(300),
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut events).poll_next(cx)),
    )
    .await
    {}
    sim1.stop();
    let e = next_item(&mut events, Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(e, Event::DaemonUnreachable { .. }), "{e:?}");
    let _sim2 = restart(Version::V0_11_1, &address, 3);
    let e = next_item(&mut events, Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        e,
        Event::DaemonBack {
            version: Some(Version::V0_11_1.daemon_version())
        }
    );
    let e = next_item(&mut events, Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert!(
        !matches!(
            e,
            Event::DaemonUnreachable { .. } | Event::DaemonBack { .. }
        ),
        "{e:?}"
    );
}

/// Uevents are asked for but the async watch polls only: said so, and
/// polling works.
#[tokio::test(flavor = "current_thread")]
async fn the_async_watch_polls_only() {
    let sim = sim(Version::V0_8_5, 1, 1);
    let client = AsyncClient::connect_to(sim.address().as_str())
        .await
        .unwrap();
    let mut watch = AsyncWatch::new(
        client,
        WatchOptions {
            uevents: true,
            ..WatchOptions::default()
        },
    );
    assert!(!watch.uevents_active());
    assert!(watch.uevent_error().unwrap().contains("polls only"));
    assert_eq!(watch.next_event(Duration::ZERO).await.unwrap(), None);
    assert!(watch.snapshot().is_some());
}

#[test]
fn the_async_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send + 'static>() {}
    send_sync::<AsyncClient>();
    send::<AsyncWatch>();
    send::<mpd_client::WatchStream>();
}

/// The peer check of the blocking client, on the connections of the async
/// one: a daemon of another uid than the one trusted is refused before
/// anything is sent; the uid trusted is believed, also after a reconnect;
/// `Any` checks nothing.
#[tokio::test(flavor = "current_thread")]
async fn the_peer_check_applies_to_the_async_client() {
    let sim = sim(Version::V0_9_4, 1, 1);
    let own = mpd_client::trust::effective_uid();
    let other = PeerTrust::Uid(own.wrapping_add(4242));
    let e = Client::builder()
        .address(sim.address().as_str())
        .trust(other)
        .connect_async()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedPeer, "{e}");
    let client = Client::builder()
        .address(sim.address().as_str())
        .trust(PeerTrust::Uid(own))
        .connect_pool(2)
        .await
        .unwrap();
    assert_eq!(client.trust(), PeerTrust::Uid(own));
    assert_eq!(client.list_maps().await.unwrap().len(), 1);
    client.close();
    assert_eq!(client.list_maps().await.unwrap().len(), 1);
    let strict = Client::builder()
        .address(sim.address().as_str())
        .trust(PeerTrust::Any)
        .connect_async()
        .await
        .unwrap();
    assert_eq!(strict.trust(), PeerTrust::Any);
    assert_eq!(strict.list_maps().await.unwrap().len(), 1);
}
