//! Who may answer: the peer-credential check made on every new connection
//! before anything is sent.
//!
//! multipathd listens on an abstract unix socket name
//! (`@/org/kernel/linux/storage/multipathd`). Abstract names have no file
//! permissions: while the daemon is down, *any* local user can bind that
//! name, and a client would then send its actions to, and believe the
//! listings of, whoever holds it. The kernel records the credentials of
//! the process that created the listening socket (`SO_PEERCRED`); this
//! module reads them and refuses a peer the [`PeerTrust`] policy does not
//! accept, before the first byte of a command is written.
//!
//! The check is transport-independent: [`check_peer`] takes any connected
//! unix stream socket (anything [`AsFd`]).

use std::os::fd::AsFd;

use crate::error::Error;

/// Which daemon a client accepts as its peer, checked from the kernel's
/// record of the listening process (`SO_PEERCRED`) on every new
/// connection, before anything is sent. Set it with
/// [`ClientBuilder::trust`](crate::ClientBuilder::trust).
///
/// The default, [`PeerTrust::RootOrSelf`], accepts a daemon running as
/// root (uid 0, as multipathd does) or as the caller's own effective uid.
/// For a root caller that is root alone. For a non-root caller the second
/// uid adds nothing an impostor could use: a process running as the
/// caller's own uid can already read and change everything the caller
/// does (ptrace it, edit its files), so trusting it gives no one anything
/// new, while it lets a developer's tests talk to their own simulator.
///
/// ```no_run
/// use mpd_client::{Client, PeerTrust};
///
/// // Only a daemon running as root, even for a non-root caller:
/// let client = Client::builder().trust(PeerTrust::Uid(0)).connect()?;
/// // A simulator run by another user (no check at all):
/// let sim = Client::builder().address("@my-sim").trust(PeerTrust::Any).connect()?;
/// # Ok::<(), mpd_client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PeerTrust {
    /// The peer runs as root (uid 0) or as this process's effective uid
    /// (the same thing for a root caller). The default.
    #[default]
    RootOrSelf,
    /// The peer runs as exactly this uid (`Uid(0)`: root only).
    Uid(u32),
    /// No check: any peer is believed. For simulators and tests run by
    /// another user; never for a real daemon on a shared host.
    Any,
}

impl PeerTrust {
    /// Whether a peer running as `peer_uid` is accepted by a caller whose
    /// effective uid is `own_uid`.
    pub const fn accepts(self, peer_uid: u32, own_uid: u32) -> bool {
        match self {
            PeerTrust::RootOrSelf => peer_uid == 0 || peer_uid == own_uid,
            PeerTrust::Uid(u) => peer_uid == u,
            PeerTrust::Any => true,
        }
    }

    /// The policy in words, for error messages (`"uid 0 or 1000"`).
    pub fn describe(self, own_uid: u32) -> String {
        match self {
            PeerTrust::RootOrSelf if own_uid == 0 => "uid 0".to_owned(),
            PeerTrust::RootOrSelf => format!("uid 0 or {own_uid}"),
            PeerTrust::Uid(u) => format!("uid {u}"),
            PeerTrust::Any => "any uid".to_owned(),
        }
    }
}

/// The credentials of the process that created the peer socket, as the
/// kernel recorded them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCredentials {
    /// Its effective uid.
    pub uid: u32,
    /// Its effective gid.
    pub gid: u32,
    /// Its process id (0 if the kernel could not tell, e.g. across pid
    /// namespaces).
    pub pid: i32,
}

/// The credentials of the peer of a connected unix socket
/// (`SO_PEERCRED`).
#[cfg(target_os = "linux")]
pub fn peer_credentials(sock: &impl AsFd) -> std::io::Result<PeerCredentials> {
    use nix::sys::socket::{getsockopt, sockopt};
    let c = getsockopt(sock, sockopt::PeerCredentials).map_err(std::io::Error::from)?;
    Ok(PeerCredentials {
        uid: c.uid(),
        gid: c.gid(),
        pid: c.pid(),
    })
}

/// This process's effective uid.
#[cfg(target_os = "linux")]
pub fn effective_uid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// Checks the peer of a freshly connected socket against `policy`:
/// [`Error::UntrustedPeer`] if it is refused (or its credentials cannot be
/// read), naming `address`. [`PeerTrust::Any`] reads nothing.
pub fn check_peer(sock: &impl AsFd, policy: PeerTrust, address: &str) -> Result<(), Error> {
    if policy == PeerTrust::Any {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        let own = effective_uid();
        let creds = peer_credentials(sock).map_err(|e| Error::UntrustedPeer {
            address: address.to_owned(),
            uid: None,
            pid: None,
            expected: format!("{} (SO_PEERCRED unreadable: {e})", policy.describe(own)),
        })?;
        if policy.accepts(creds.uid, own) {
            Ok(())
        } else {
            Err(Error::UntrustedPeer {
                address: address.to_owned(),
                uid: Some(creds.uid),
                pid: (creds.pid > 0).then_some(creds.pid),
                expected: policy.describe(own),
            })
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = sock;
        Err(Error::UntrustedPeer {
            address: address.to_owned(),
            uid: None,
            pid: None,
            expected: "a peer check, which only Linux supports here (use PeerTrust::Any)"
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        assert!(PeerTrust::RootOrSelf.accepts(0, 1000));
        assert!(PeerTrust::RootOrSelf.accepts(1000, 1000));
        assert!(!PeerTrust::RootOrSelf.accepts(65534, 1000));
        assert!(!PeerTrust::RootOrSelf.accepts(1000, 0));
        assert!(PeerTrust::Uid(0).accepts(0, 1000));
        assert!(!PeerTrust::Uid(0).accepts(1000, 1000));
        assert!(PeerTrust::Uid(7).accepts(7, 0));
        assert!(!PeerTrust::Uid(7).accepts(0, 0));
        assert!(PeerTrust::Any.accepts(65534, 0));
        assert_eq!(PeerTrust::RootOrSelf.describe(0), "uid 0");
        assert_eq!(PeerTrust::RootOrSelf.describe(1000), "uid 0 or 1000");
    }

    #[test]
    fn reads_the_peer_of_a_socketpair() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let c = peer_credentials(&a).unwrap();
        assert_eq!(c.uid, effective_uid());
        assert_eq!(c.pid, std::process::id() as i32);
        check_peer(&a, PeerTrust::RootOrSelf, "@pair").unwrap();
        // A uid nobody runs as here: refused, with the peer named.
        let e = check_peer(&a, PeerTrust::Uid(4_000_000), "@pair").unwrap_err();
        match &e {
            Error::UntrustedPeer {
                address, uid, pid, ..
            } => {
                assert_eq!(address, "@pair");
                assert_eq!(*uid, Some(effective_uid()));
                assert_eq!(*pid, Some(std::process::id() as i32));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.kind(), crate::ErrorKind::UntrustedPeer);
        check_peer(&a, PeerTrust::Any, "@pair").unwrap();
    }
}
