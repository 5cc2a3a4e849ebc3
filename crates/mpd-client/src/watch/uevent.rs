//! Kernel uevents, as an early wake-up for a [`super::Watch`].
//!
//! The kernel multicasts a uevent to group 1 of a `NETLINK_KOBJECT_UEVENT`
//! socket for every device change. Its format is a header `ACTION@DEVPATH`
//! and then `KEY=VALUE` lines, each ended by a NUL. device-mapper's
//! multipath target sends one (`change@/devices/virtual/block/dm-N`) when
//! a path of a map fails or comes back, with `DM_ACTION=PATH_FAILED` or
//! `PATH_REINSTATED` (`drivers/md/dm-uevent.c`). Messages of udev's own
//! format (`libudev\0…`, group 2) are not read.

/// One uevent: its header and its variables, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uevent {
    /// `add`, `remove`, `change`, …
    pub(crate) action: String,
    /// The device's path under `/sys`, e.g. `/devices/virtual/block/dm-0`.
    pub(crate) devpath: String,
    /// `KEY=VALUE` pairs, in the kernel's order.
    pub(crate) vars: Vec<(String, String)>,
}

impl Uevent {
    /// The value of `key`, if the event has it.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// True for device-mapper's path failed / reinstated events, the ones
    /// that change what multipathd reports.
    pub(crate) fn is_dm_path_event(&self) -> bool {
        matches!(
            self.get("DM_ACTION"),
            Some("PATH_FAILED" | "PATH_REINSTATED")
        )
    }
}

/// Reads one kernel uevent message; `None` for anything else (udev's
/// `libudev` format, no `@` header, not UTF-8 in the header).
///
/// A variable without `=` is skipped; empty segments (a trailing NUL, a
/// message the buffer cut short) are too.
pub(crate) fn parse(msg: &[u8]) -> Option<Uevent> {
    let mut parts = msg.split(|b| *b == 0);
    let header = std::str::from_utf8(parts.next()?).ok()?;
    let (action, devpath) = header.split_once('@')?;
    if action.is_empty() || !devpath.starts_with('/') {
        return None;
    }
    let vars = parts
        .filter_map(|p| {
            let line = String::from_utf8_lossy(p);
            let (k, v) = line.split_once('=')?;
            (!k.is_empty()).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect();
    Some(Uevent {
        action: action.to_owned(),
        devpath: devpath.to_owned(),
        vars,
    })
}

#[cfg(target_os = "linux")]
pub(crate) use linux::Listener;

#[cfg(not(target_os = "linux"))]
pub(crate) use other::Listener;

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::time::{Duration, Instant};

    use nix::errno::Errno;
    use nix::sys::socket::{
        bind, recv, recvfrom, setsockopt, socket, sockopt, AddressFamily, MsgFlags, NetlinkAddr,
        SockFlag, SockProtocol, SockType,
    };
    use nix::sys::time::{TimeVal, TimeValLike};

    /// The kernel's uevent multicast group (udev's is 2).
    const KERNEL_GROUP: u32 = 1;

    /// Larger than any uevent (the kernel's buffer is 2 KiB of variables).
    const BUF_LEN: usize = 16 * 1024;

    /// A socket subscribed to the kernel's uevents.
    pub(crate) struct Listener {
        fd: OwnedFd,
        buf: Box<[u8]>,
    }

    impl Listener {
        /// Opens and binds the socket; the error says why it could not
        /// be.
        pub(crate) fn open() -> Result<Listener, String> {
            let fd = socket(
                AddressFamily::Netlink,
                SockType::Datagram,
                SockFlag::SOCK_CLOEXEC,
                SockProtocol::NetlinkKObjectUEvent,
            )
            .map_err(|e| format!("cannot open a uevent socket: {e}"))?;
            // Port id 0: the kernel assigns one.
            bind(fd.as_raw_fd(), &NetlinkAddr::new(0, KERNEL_GROUP))
                .map_err(|e| format!("cannot subscribe to kernel uevents: {e}"))?;
            Ok(Listener {
                fd,
                buf: vec![0; BUF_LEN].into_boxed_slice(),
            })
        }

        /// Waits up to `timeout` for a device-mapper path event. True when
        /// one came (and every message queued behind it was read), or when
        /// the kernel dropped messages for this socket (one of them may
        /// have been such an event).
        pub(crate) fn wait(&mut self, timeout: Duration) -> Result<bool, String> {
            let deadline = Instant::now() + timeout;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(false);
                }
                // SO_RCVTIMEO of zero would block for ever.
                let micros = i64::try_from(left.as_micros()).unwrap_or(i64::MAX).max(1);
                setsockopt(
                    &self.fd,
                    sockopt::ReceiveTimeout,
                    &TimeVal::microseconds(micros),
                )
                .map_err(|e| format!("uevent socket: {e}"))?;
                match recvfrom::<NetlinkAddr>(self.fd.as_raw_fd(), &mut self.buf) {
                    Ok((n, from)) => {
                        // Only the kernel (port id 0) sends to this group.
                        if from.is_some_and(|a| a.pid() != 0) {
                            continue;
                        }
                        if super::parse(&self.buf[..n]).is_some_and(|u| u.is_dm_path_event()) {
                            self.drain();
                            return Ok(true);
                        }
                    }
                    Err(Errno::EAGAIN | Errno::EINTR) => continue,
                    Err(Errno::ENOBUFS) => {
                        self.drain();
                        return Ok(true);
                    }
                    Err(e) => return Err(format!("uevent socket: {e}")),
                }
            }
        }

        /// Reads whatever is queued, without waiting: one poll covers it.
        fn drain(&mut self) {
            while recv(self.fd.as_raw_fd(), &mut self.buf, MsgFlags::MSG_DONTWAIT).is_ok() {}
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod other {
    use std::time::Duration;

    /// Uevents are a Linux feature.
    pub(crate) struct Listener;

    impl Listener {
        pub(crate) fn open() -> Result<Listener, String> {
            Err("kernel uevents are only available on Linux".into())
        }

        pub(crate) fn wait(&mut self, timeout: Duration) -> Result<bool, String> {
            std::thread::sleep(timeout);
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message as the kernel builds it: header, then variables, each
    /// NUL-terminated.
    fn message(header: &str, vars: &[&str]) -> Vec<u8> {
        let mut m = Vec::new();
        for part in std::iter::once(header).chain(vars.iter().copied()) {
            m.extend_from_slice(part.as_bytes());
            m.push(0);
        }
        m
    }

    /// What dm-mpath sends when it fails a path of mpatha (dm-0): the
    /// kobject's variables, then dm-uevent.c's, then the sequence number.
    fn path_failed() -> Vec<u8> {
        message(
            "change@/devices/virtual/block/dm-0",
            &[
                "ACTION=change",
                "DEVPATH=/devices/virtual/block/dm-0",
                "SUBSYSTEM=block",
                "DM_TARGET=multipath",
                "DM_ACTION=PATH_FAILED",
                "DM_SEQNUM=1",
                "DM_PATH=8:32",
                "DM_NR_VALID_PATHS=1",
                "DM_NAME=mpatha",
                "DM_UUID=mpath-3600a098038303053453f463045727a2f",
                "MAJOR=254",
                "MINOR=0",
                "DEVNAME=dm-0",
                "DEVTYPE=disk",
                "DISKSEQ=12",
                "SEQNUM=4711",
            ],
        )
    }

    #[test]
    fn a_dm_path_failed_event() {
        let u = parse(&path_failed()).unwrap();
        assert_eq!(u.action, "change");
        assert_eq!(u.devpath, "/devices/virtual/block/dm-0");
        assert_eq!(u.get("DM_ACTION"), Some("PATH_FAILED"));
        assert_eq!(u.get("DM_PATH"), Some("8:32"));
        assert_eq!(u.get("DM_NAME"), Some("mpatha"));
        assert_eq!(u.get("SEQNUM"), Some("4711"));
        assert_eq!(u.get("NOPE"), None);
        assert_eq!(u.vars.len(), 16);
        assert!(u.is_dm_path_event());
    }

    #[test]
    fn a_dm_path_reinstated_event() {
        let m = message(
            "change@/devices/virtual/block/dm-3",
            &[
                "ACTION=change",
                "DEVPATH=/devices/virtual/block/dm-3",
                "SUBSYSTEM=block",
                "DM_TARGET=multipath",
                "DM_ACTION=PATH_REINSTATED",
                "DM_SEQNUM=2",
                "DM_PATH=65:16",
                "DM_NR_VALID_PATHS=2",
                "DM_NAME=space map",
                "DM_UUID=mpath-36001",
                "SEQNUM=4712",
            ],
        );
        let u = parse(&m).unwrap();
        assert!(u.is_dm_path_event());
        assert_eq!(u.get("DM_NAME"), Some("space map"));
    }

    #[test]
    fn other_events_do_not_wake() {
        // A SCSI disk appearing.
        let add = message(
            "add@/devices/platform/host0/target0:0:0/0:0:0:0/block/sda",
            &[
                "ACTION=add",
                "DEVPATH=/devices/platform/host0/target0:0:0/0:0:0:0/block/sda",
                "SUBSYSTEM=block",
                "MAJOR=8",
                "MINOR=0",
                "DEVNAME=sda",
                "DEVTYPE=disk",
                "SEQNUM=100",
            ],
        );
        let u = parse(&add).unwrap();
        assert_eq!((u.action.as_str(), u.get("DEVNAME")), ("add", Some("sda")));
        assert!(!u.is_dm_path_event());
        // A dm table change without a path action (a reload, a resize).
        let change = message(
            "change@/devices/virtual/block/dm-0",
            &["ACTION=change", "DM_COOKIE=4194304", "SEQNUM=101"],
        );
        assert!(!parse(&change).unwrap().is_dm_path_event());
        // Another DM_ACTION value.
        let other = message(
            "change@/devices/virtual/block/dm-0",
            &["DM_ACTION=SOMETHING_ELSE"],
        );
        assert!(!parse(&other).unwrap().is_dm_path_event());
        // The words must be the value of DM_ACTION, not anywhere.
        let elsewhere = message(
            "change@/devices/virtual/block/dm-0",
            &["DM_NAME=PATH_FAILED", "X=DM_ACTION=PATH_FAILED"],
        );
        assert!(!parse(&elsewhere).unwrap().is_dm_path_event());
    }

    #[test]
    fn malformed_and_foreign_messages() {
        // udev's format, as sent to group 2.
        let mut udev = b"libudev\0".to_vec();
        udev.extend_from_slice(&[0xfe, 0xed, 0xca, 0xfe, 0, 0, 0, 40]);
        udev.extend_from_slice(b"ACTION=change\0DM_ACTION=PATH_FAILED\0");
        assert_eq!(parse(&udev), None);
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"\0"), None);
        assert_eq!(parse(b"change\0DM_ACTION=PATH_FAILED\0"), None);
        assert_eq!(parse(b"@/devices/x\0"), None);
        assert_eq!(parse(b"change@relative\0"), None);
        assert_eq!(parse(&[0xff, b'@', b'/', 0]), None);
        // No trailing NUL, an empty segment, a variable without '=', an
        // empty key, a value with '=' and invalid UTF-8: kept or skipped,
        // never a panic.
        let u = parse(b"change@/d\0\0NOEQUALS\0=x\0A=b=c\0B=\xff\0DM_ACTION=PATH_FAILED").unwrap();
        assert_eq!(u.get("A"), Some("b=c"));
        assert_eq!(u.get("B"), Some("\u{fffd}"));
        assert_eq!(u.vars.len(), 3);
        assert!(u.is_dm_path_event());
        // Cut short by the buffer: what arrived is read.
        let full = path_failed();
        let cut = parse(&full[..60]).unwrap();
        assert_eq!(cut.get("ACTION"), Some("change"));
        for n in 0..full.len() {
            let _ = parse(&full[..n]);
        }
    }

    #[test]
    fn the_listener_opens_or_says_why_not() {
        match Listener::open() {
            Ok(mut l) => {
                // Nothing is expected within 10 ms; a dm path event on the
                // test machine would be a coincidence, not an error.
                assert!(l.wait(std::time::Duration::from_millis(10)).is_ok());
            }
            Err(why) => assert!(why.contains("uevent"), "{why}"),
        }
    }
}
