//! Misbehaviour on demand, to test how clients cope with a daemon that is
//! slow, overloaded, crashing or broken.

use std::fmt;
use std::str::FromStr;

/// How the simulator answers commands (see [`crate::SimHandle::set_fault`]).
///
/// A fault applies to every command received while it is set, on every
/// connection, including connections opened before it was set. A reply
/// delay ([`crate::SimBuilder::reply_delay`]) is separate and combines with
/// any fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Fault {
    /// Behave (the default).
    #[default]
    None,
    /// Do not run the command; answer the release's timeout text
    /// (`timeout\n`, 0.10+: `fail\ntimeout\n`), as the daemon does when a
    /// command could not run within `uxsock_timeout`.
    Timeout,
    /// Run the command, send the length prefix and only part of the reply,
    /// then close the connection (a daemon crashing mid-reply).
    DropMidReply,
    /// Run the command, send this value as the length prefix followed by
    /// the real reply, then close the connection. `0` and values from
    /// 32 MiB up are protocol errors for a client.
    BadLength(u64),
    /// Never answer: the connection stays open and silent until the client
    /// closes it or the simulator stops. The command does not run.
    Hang,
    /// Close the connection without a reply (as the daemon does with a
    /// command over 512 bytes). The command does not run.
    CloseWithoutReply,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::None => f.write_str("none"),
            Fault::Timeout => f.write_str("timeout"),
            Fault::DropMidReply => f.write_str("drop-mid-reply"),
            Fault::BadLength(n) => write!(f, "bad-length={n}"),
            Fault::Hang => f.write_str("hang"),
            Fault::CloseWithoutReply => f.write_str("close"),
        }
    }
}

/// A fault name that is not one of `none`, `timeout`, `drop-mid-reply`,
/// `bad-length[=N]`, `hang`, `close`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {0:?} (none, timeout, drop-mid-reply, bad-length[=N], hang, close)")]
pub struct UnknownFault(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;

    /// Parses the names [`Fault`]'s `Display` prints; `bad-length` alone
    /// means a length of 1 TiB.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "none" => Fault::None,
            "timeout" => Fault::Timeout,
            "drop-mid-reply" | "drop" => Fault::DropMidReply,
            "hang" => Fault::Hang,
            "close" => Fault::CloseWithoutReply,
            "bad-length" => Fault::BadLength(1 << 40),
            _ => match s.strip_prefix("bad-length=").map(str::parse) {
                Some(Ok(n)) => Fault::BadLength(n),
                _ => return Err(UnknownFault(s.to_owned())),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for f in [
            Fault::None,
            Fault::Timeout,
            Fault::DropMidReply,
            Fault::BadLength(0),
            Fault::BadLength(1 << 40),
            Fault::Hang,
            Fault::CloseWithoutReply,
        ] {
            assert_eq!(f.to_string().parse::<Fault>().unwrap(), f);
        }
        assert_eq!(
            "bad-length".parse::<Fault>().unwrap(),
            Fault::BadLength(1 << 40)
        );
        assert!("explode".parse::<Fault>().is_err());
    }
}
