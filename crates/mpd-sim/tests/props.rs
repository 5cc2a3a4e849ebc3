//! No client input kills the simulator: arbitrary bytes on the socket,
//! arbitrary command texts through the full command path (as root, so
//! every state-changing handler runs), for every release.

mod common;

use std::io::Write;
use std::time::Duration;

use common::{ask, connect, receive, Answer};
use mpd_sim::{Privilege, Sim, State};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "list",
    "show",
    "sh",
    "add",
    "del",
    "remove",
    "switch",
    "switchgroup",
    "suspend",
    "resume",
    "reinstate",
    "fail",
    "resize",
    "reset",
    "reload",
    "forcequeueing",
    "disablequeueing",
    "restorequeueing",
    "paths",
    "maps",
    "multipaths",
    "path",
    "map",
    "multipath",
    "group",
    "reconfigure",
    "daemon",
    "status",
    "stats",
    "topology",
    "config",
    "blacklist",
    "devices",
    "raw",
    "wildcards",
    "quit",
    "exit",
    "shutdown",
    "getprstatus",
    "setprstatus",
    "unsetprstatus",
    "format",
    "json",
    "getprkey",
    "setprkey",
    "unsetprkey",
    "key",
    "local",
    "setmarginal",
    "unsetmarginal",
    "all",
    "sda",
    "sdb",
    "sdc",
    "sdd",
    "sdz",
    "mpatha",
    "mpathb",
    "dm-0",
    "dm-1",
    "dm-99",
    "8:0",
    "/dev/sda",
    "2",
    "0",
    "-1",
    "0x1234:aptpl",
    "\"%n %d %w\"",
    "\"%i %d %D %p %t %T %o %C %s %z %L %A %k %\"",
    "%",
    "\"\"",
    "\"",
    "#",
    "!",
    "{",
    "}",
    "\u{e9}",
    "\t",
    "nosuch",
];

fn command() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_owned),
            1 => "[ -~]{0,12}",
        ],
        0..7,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Sequences of commands through the whole command path change the
    /// state and never panic; table lines stay well-formed.
    #[test]
    fn arbitrary_commands_never_panic(cmds in prop::collection::vec(command(), 1..12), v in 0usize..3) {
        let v = mpd_sim::version::ALL_VERSIONS[v];
        let mut st = State::new(3, 2);
        for c in &cmds {
            let reply = mpd_sim::respond(v, &mut st, c);
            prop_assert!(!reply.contains('\0'));
        }
        // Whatever happened, the renderers still work on the final state.
        for c in ["show paths", "show maps json", "show topology", "show status", "show config local", "show devices"] {
            let _ = mpd_sim::respond(v, &mut st, c);
        }
    }

    /// Arbitrary bytes on a connection: the simulator answers, closes that
    /// connection, or waits — and still serves the next client correctly.
    #[test]
    fn arbitrary_bytes_never_kill_the_server(junk in prop::collection::vec(any::<u8>(), 0..700), framed in any::<bool>()) {
        let sim = shared_sim();
        let mut s = connect(sim);
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let bytes = if framed { mpd_proto::frame::encode_frame(&junk) } else { junk };
        let _ = s.write_all(&bytes);
        let _ = receive(&mut s);
        drop(s);
        let mut fresh = connect(sim);
        prop_assert_eq!(ask(&mut fresh, "show maps raw format %n").text(), "mpatha\nmpathb\n");
    }
}

/// One simulator for the byte-level cases (non-root, so junk cannot stop
/// it with `shutdown` or change the state the check relies on).
fn shared_sim() -> &'static mpd_sim::SimHandle {
    static SIM: std::sync::OnceLock<mpd_sim::SimHandle> = std::sync::OnceLock::new();
    SIM.get_or_init(|| {
        Sim::builder()
            .privilege(Privilege::NonRoot)
            .checker_tick(None)
            .start()
            .unwrap()
    })
}

#[test]
fn arbitrary_commands_over_the_socket_always_get_a_frame() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    for v in mpd_sim::version::ALL_VERSIONS {
        let sim = Sim::builder()
            .version(v)
            .privilege(Privilege::NonRoot)
            .checker_tick(None)
            .start()
            .unwrap();
        let s = std::cell::RefCell::new(connect(&sim));
        runner
            .run(&command(), |c| {
                match ask(&mut s.borrow_mut(), &c) {
                    Answer::Reply(p) => prop_assert_eq!(p.last(), Some(&0)),
                    other => prop_assert!(false, "{v} {c:?}: {other:?}"),
                }
                Ok(())
            })
            .unwrap();
        assert!(sim.is_running());
    }
}
