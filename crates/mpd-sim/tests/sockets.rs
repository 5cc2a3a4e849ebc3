//! Abstract and pathname sockets, lifecycle, many clients, and the
//! `mpd-sim` binary (address line, signals, socket file clean-up).

mod common;

use std::io::{BufRead, BufReader};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ask, ask_once, connect};
use mpd_sim::{Address, Sim};

#[test]
fn private_abstract_names_do_not_collide() {
    let a = Sim::builder().checker_tick(None).start().unwrap();
    let b = Sim::builder().checker_tick(None).start().unwrap();
    assert_ne!(a.address(), b.address());
    assert!(a
        .address()
        .starts_with("@/org/kernel/linux/storage/multipathd-sim-"));
    // Exactly the name, no trailing NUL: connect with the name's bytes.
    let name = a.address()[1..].to_owned();
    let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let mut s = UnixStream::connect_addr(&addr).unwrap();
    assert_eq!(
        ask(&mut s, "show maps raw format %n").text(),
        "mpatha\nmpathb\n"
    );
    // The same abstract name cannot be taken twice.
    let err = Sim::builder().socket(a.address()).start().unwrap_err();
    assert!(err.to_string().contains("cannot listen on @"), "{err}");
}

#[test]
fn pathname_socket_is_created_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multipathd.socket");
    let sim = Sim::builder()
        .socket(path.clone())
        .checker_tick(None)
        .start()
        .unwrap();
    assert_eq!(sim.address(), path.display().to_string());
    assert!(path.exists());
    let mut s = UnixStream::connect(&path).unwrap();
    assert_eq!(
        ask(&mut s, "show paths raw format %d").text(),
        "sda\nsdb\nsdc\nsdd\n"
    );
    drop(s);
    // A second simulator cannot steal a live socket.
    assert!(Sim::builder().socket(path.clone()).start().is_err());
    sim.stop();
    assert!(!path.exists());
    // A stale socket file (nobody listening) is replaced.
    let stale = std::os::unix::net::UnixListener::bind(&path).unwrap();
    drop(stale);
    assert!(path.exists());
    let sim = Sim::builder()
        .socket(path.as_path().to_str().unwrap())
        .checker_tick(None)
        .start()
        .unwrap();
    assert!(ask_once(&sim, "show daemon").starts_with("pid "));
}

#[test]
fn one_connection_many_commands_and_many_clients() {
    let sim = Sim::builder().checker_tick(None).start().unwrap();
    let mut s = connect(&sim);
    for _ in 0..50 {
        assert_eq!(
            ask(&mut s, "show maps raw format %n").text(),
            "mpatha\nmpathb\n"
        );
    }
    let addr = sim.socket_address().clone();
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let Address::Abstract(name) = addr else {
                    unreachable!()
                };
                let sa = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
                let mut s = UnixStream::connect_addr(&sa).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                for _ in 0..20 {
                    assert!(ask(&mut s, "show topology")
                        .text()
                        .starts_with("create: mpatha"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(sim.connections_accepted() >= 17);
}

#[test]
fn drop_stops_promptly_with_clients_connected() {
    let sim = Sim::builder().checker_tick(None).start().unwrap();
    let mut idle = connect(&sim);
    let addr = sim.address();
    let t = Instant::now();
    drop(sim);
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(
        common::receive(&mut idle),
        common::Answer::Closed { got: 0 }
    );
    let name = addr[1..].to_owned();
    let sa = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    assert!(UnixStream::connect_addr(&sa).is_err());
}

fn spawn_binary(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpd-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mpd-sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        assert!(Instant::now() < deadline, "mpd-sim did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn binary_prints_address_and_exits_cleanly_on_signals() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.sock");
    let p = path.to_str().unwrap();
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let (mut child, line) = spawn_binary(&[
            "--socket",
            p,
            "--version",
            "0.11.1",
            "--maps",
            "3",
            "--force-root",
        ]);
        assert_eq!(line, format!("listening on {p}\n"));
        let mut s = UnixStream::connect(&path).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(
            ask(&mut s, "show maps raw format %n").text(),
            "mpatha\nmpathb\nmpathc\n"
        );
        assert_eq!(
            ask(&mut s, "fail path nosuch").text(),
            "fail\ndevice not found\n"
        );
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        assert!(wait_exit(&mut child).success());
        assert!(!path.exists(), "socket file left behind");
    }
}

#[test]
fn binary_stops_on_shutdown_command_and_rejects_bad_flags() {
    let name = format!("@mpd-sim-bin-test-{}", std::process::id());
    let (mut child, line) = spawn_binary(&["--socket", &name, "--force-nonroot"]);
    assert_eq!(line, format!("listening on {name}\n"));
    let sa = SocketAddr::from_abstract_name(&name.as_bytes()[1..]).unwrap();
    let mut s = UnixStream::connect_addr(&sa).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        ask(&mut s, "shutdown").text(),
        "permission deny: need to be root\n"
    );
    child.kill().unwrap();
    wait_exit(&mut child);

    let (mut child, _) = spawn_binary(&["--socket", &name, "--force-root"]);
    let mut s = UnixStream::connect_addr(&sa).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(ask(&mut s, "shutdown").text(), "ok\n");
    assert!(wait_exit(&mut child).success());

    let out = Command::new(env!("CARGO_BIN_EXE_mpd-sim"))
        .args(["--version", "9.9.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no simulator profile"));
}

/// 0.15.1 listens on a pathname socket (mode 0666) besides its abstract
/// name, as multipathd 0.12+ does; both reach the same daemon.
#[test]
fn profile_0_15_also_listens_on_a_pathname_socket() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multipathd.socket");
    let sim = Sim::builder()
        .version(mpd_sim::Version::V0_15_1)
        .pathname_socket(path.clone())
        .checker_tick(None)
        .start()
        .unwrap();
    assert!(sim.address().starts_with('@'));
    assert_eq!(sim.pathname_socket(), Some(path.as_path()));
    let meta = std::fs::metadata(&path).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o666);
    // A change made through one socket shows through the other.
    let mut by_path = UnixStream::connect(&path).unwrap();
    assert_eq!(ask(&mut by_path, "fail path sda").text(), "ok\n");
    let mut by_name = connect(&sim);
    assert!(ask(&mut by_name, "show paths raw format %d:%t")
        .text()
        .starts_with("sda:failed\n"));
    assert_eq!(ask(&mut by_path, "getprhold map mpatha").text(), "unset\n");
    drop((by_path, by_name));
    sim.stop();
    assert!(!path.exists(), "the pathname socket is removed on stop");

    // By default a private file in the temp dir; none with single_socket.
    let sim = Sim::builder()
        .version(mpd_sim::Version::V0_15_1)
        .checker_tick(None)
        .start()
        .unwrap();
    let p = sim.pathname_socket().unwrap().to_owned();
    assert!(p.starts_with(std::env::temp_dir()), "{}", p.display());
    assert_eq!(
        ask(
            &mut UnixStream::connect(&p).unwrap(),
            "show maps raw format %n"
        )
        .text(),
        "mpatha\nmpathb\n"
    );
    drop(sim);
    assert!(!p.exists());
    let sim = Sim::builder()
        .version(mpd_sim::Version::V0_15_1)
        .single_socket()
        .checker_tick(None)
        .start()
        .unwrap();
    assert_eq!(sim.pathname_socket(), None);
}

#[test]
fn older_profiles_have_no_pathname_socket() {
    for v in [
        mpd_sim::Version::V0_8_5,
        mpd_sim::Version::V0_9_4,
        mpd_sim::Version::V0_11_1,
    ] {
        let sim = Sim::builder()
            .version(v)
            .checker_tick(None)
            .start()
            .unwrap();
        assert_eq!(sim.pathname_socket(), None, "{v}");
        let err = Sim::builder()
            .version(v)
            .pathname_socket("/tmp/mpd-sim-never.socket")
            .start()
            .unwrap_err();
        assert!(matches!(err, mpd_sim::Error::Config(_)), "{v}: {err}");
    }
}

/// Any user may connect to the pathname socket and read; actions need
/// root, as on the daemon. A real non-root process (python3 as `nobody`)
/// talks to the simulator, which checks the peer's uid (`SO_PEERCRED`).
#[test]
fn a_non_root_user_reads_through_the_pathname_socket_and_is_denied_actions() {
    use std::os::unix::process::CommandExt;
    assert!(
        unsafe { libc::geteuid() } == 0,
        "this test switches to user nobody: run the tests as root (as scripts/test does)"
    );
    let sim = Sim::builder()
        .version(mpd_sim::Version::V0_15_1)
        .checker_tick(None)
        .start()
        .unwrap();
    let path = sim.pathname_socket().unwrap().to_owned();
    let script = r#"
import socket, struct, sys
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    data = cmd.encode() + b"\0"
    s.sendall(struct.pack("@N", len(data)) + data)
    n = struct.unpack("@N", s.recv(8, socket.MSG_WAITALL))[0]
    return s.recv(n, socket.MSG_WAITALL).rstrip(b"\0").decode()
print(repr(ask("show maps raw format %n")))
print(repr(ask("fail path sda")))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .uid(65534)
        .gid(65534)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "'mpatha\\nmpathb\\n'\n'fail\\npermission deny: need to be root\\n'\n"
    );
    // Nothing changed.
    assert!(sim
        .execute("show paths raw format %d:%t")
        .starts_with("sda:active\n"));
}
