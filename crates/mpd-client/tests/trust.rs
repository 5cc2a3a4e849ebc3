//! The peer check: a client refuses a socket held by a process of another
//! user (an impostor on the daemon's abstract name) before sending
//! anything, and talks to it only when told to trust any peer.
//!
//! The impostor runs as `nobody` (uid 65534, through `setpriv`), which
//! needs this test to run as root, as CI does. Run as another user, the
//! first test cannot start a process of a second uid: it then checks the
//! opposite direction (a policy that refuses the caller's own uid, against
//! its own listener) and prints a NOTICE saying so; the reconnect test has
//! no opposite direction and fails, saying it needs root.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command as Proc, Stdio};
use std::time::Duration;

use mpd_client::{Client, ErrorKind, PeerTrust};

/// A listener on an abstract name that answers nothing and reports, per
/// connection, how many bytes it received (`conn N`), until its client
/// goes away or 1 s passes in silence.
const LISTENER: &str = include_str!("../../../tests/support/impostor.py");

struct Impostor {
    child: Child,
    out: BufReader<ChildStdout>,
    address: String,
}

impl Impostor {
    /// Starts the listener, as `uid` (through setpriv) when given.
    fn start(uid: Option<u32>, tag: &str) -> Impostor {
        let name = format!("mpd-impostor-{}-{tag}", std::process::id());
        let mut cmd = match uid {
            Some(uid) => {
                let mut c = Proc::new("setpriv");
                c.args([
                    format!("--reuid={uid}"),
                    format!("--regid={uid}"),
                    "--clear-groups".to_owned(),
                    // Debian's python3 (scripts/test installs it): a
                    // python3 under /root is out of nobody's reach.
                    "/usr/bin/python3".to_owned(),
                ]);
                c
            }
            None => Proc::new("/usr/bin/python3"),
        };
        let mut child = cmd
            .args(["-c", LISTENER, &name])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the impostor (setpriv and /usr/bin/python3 are needed)");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the impostor did not start");
        Impostor {
            child,
            out,
            address: format!("@{name}"),
        }
    }

    /// The byte count of the next connection that ended.
    fn next_count(&mut self) -> usize {
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix("conn ")
            .unwrap_or_else(|| panic!("impostor said {line:?}"))
            .parse()
            .unwrap()
    }
}

impl Drop for Impostor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Refused by `policy`, with the peer's uid named, and the listener got
/// nothing; then with `PeerTrust::Any` the same listener does receive the
/// command (so "nothing received" above is a real observation).
fn refused_then_believed(imp: &mut Impostor, policy: PeerTrust, peer_uid: u32) {
    let err = Client::builder()
        .address(imp.address.as_str())
        .trust(policy)
        .timeout(Duration::from_millis(300))
        .connect()
        .expect_err("an untrusted peer must be refused");
    assert_eq!(err.kind(), ErrorKind::UntrustedPeer, "{err}");
    match &err {
        mpd_client::Error::UntrustedPeer { uid, address, .. } => {
            assert_eq!(*uid, Some(peer_uid));
            assert_eq!(address, &imp.address);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.kind().is_transient() && !err.kind().may_have_run());
    assert_eq!(imp.next_count(), 0, "the impostor received bytes");

    let mut c = Client::builder()
        .address(imp.address.as_str())
        .trust(PeerTrust::Any)
        .timeout(Duration::from_millis(300))
        .connect()
        .expect("PeerTrust::Any connects to anyone");
    let e = c.list_maps().expect_err("the impostor answers nothing");
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    drop(c);
    assert!(
        imp.next_count() > 0,
        "with PeerTrust::Any the command is sent"
    );
}

#[test]
fn a_root_client_refuses_a_non_root_impostor_on_the_abstract_name() {
    let own = nix::unistd::geteuid().as_raw();
    if own != 0 {
        eprintln!(
            "NOTICE: trust test runs as uid {own}, not root: it cannot start an impostor \
             of another uid, so it checks the opposite direction (PeerTrust::Uid(0) refuses \
             a listener of uid {own}). CI runs it as root."
        );
        let mut imp = Impostor::start(None, "own");
        refused_then_believed(&mut imp, PeerTrust::Uid(0), own);
        return;
    }
    let mut imp = Impostor::start(Some(65534), "nobody");
    // The default policy: a root caller believes root only.
    refused_then_believed(&mut imp, PeerTrust::default(), 65534);
    // The explicit root-only policy too.
    refused_then_believed(&mut imp, PeerTrust::Uid(0), 65534);
    // Trusting exactly that uid connects without sending anything yet.
    let c = Client::builder()
        .address(imp.address.as_str())
        .trust(PeerTrust::Uid(65534))
        .connect()
        .expect("PeerTrust::Uid(65534) believes uid 65534");
    drop(c);
    assert_eq!(imp.next_count(), 0);
}

#[test]
fn the_default_believes_a_simulator_of_the_same_user() {
    let sim = mpd_sim::Sim::builder().start().unwrap();
    let mut c = Client::connect_to(sim.address().as_str()).unwrap();
    assert_eq!(c.trust(), PeerTrust::RootOrSelf);
    assert!(!c.list_maps().unwrap().is_empty());
}

#[test]
fn a_reconnect_is_checked_too() {
    // The first connection goes to a trusted simulator; after it is gone,
    // an impostor of another uid takes the name: the reconnect is refused.
    let own = nix::unistd::geteuid().as_raw();
    // No opposite direction here: the first connection must be trusted
    // and the second refused, so the two peers need two uids.
    assert_eq!(
        own, 0,
        "a_reconnect_is_checked_too needs root to start an impostor of another uid \
         (setpriv); run the tests as root, as CI does"
    );
    let name_for_sim = format!("mpd-impostor-{}-reconnect", std::process::id());
    let sim = mpd_sim::Sim::builder()
        .socket(format!("@{name_for_sim}").as_str())
        .start()
        .unwrap();
    let mut c = Client::connect_to(sim.address().as_str()).unwrap();
    c.list_maps().unwrap();
    drop(sim);
    let mut imp = Impostor::start(Some(65534), "reconnect");
    assert_eq!(imp.address, format!("@{name_for_sim}"));
    let e = c.list_maps().expect_err("the reconnect must be refused");
    assert_eq!(e.kind(), ErrorKind::UntrustedPeer, "{e}");
    assert_eq!(imp.next_count(), 0, "the impostor received bytes");
}
