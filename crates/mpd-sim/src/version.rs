//! The multipath-tools releases the simulator can impersonate, and the
//! facts that differ between them.

use std::fmt;
use std::str::FromStr;

use mpd_proto::DaemonVersion;

/// A multipath-tools release whose daemon the simulator imitates.
///
/// Each profile was checked against replies recorded from the real daemon
/// of that release (Debian bullseye, bookworm, trixie and sid packages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Version {
    /// multipath-tools 0.8.5 (Debian bullseye).
    V0_8_5,
    /// multipath-tools 0.9.4 (Debian bookworm), the default.
    #[default]
    V0_9_4,
    /// multipath-tools 0.11.1 (Debian trixie).
    V0_11_1,
    /// multipath-tools 0.15.1 (Debian sid): 0.11.1's replies, plus the
    /// persistent-reservation hold commands and `setprstatus … pathlist`,
    /// and a pathname socket beside the abstract one.
    V0_15_1,
}

/// Every supported profile, oldest first.
pub const ALL_VERSIONS: [Version; 4] = [
    Version::V0_8_5,
    Version::V0_9_4,
    Version::V0_11_1,
    Version::V0_15_1,
];

impl Version {
    /// The release number, e.g. `0.9.4`.
    pub const fn daemon_version(self) -> DaemonVersion {
        match self {
            Version::V0_8_5 => DaemonVersion::new(0, 8, 5),
            Version::V0_9_4 => DaemonVersion::new(0, 9, 4),
            Version::V0_11_1 => DaemonVersion::new(0, 11, 1),
            Version::V0_15_1 => DaemonVersion::new(0, 15, 1),
        }
    }

    /// The release number as text, e.g. `"0.9.4"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V0_8_5 => "0.8.5",
            Version::V0_9_4 => "0.9.4",
            Version::V0_11_1 => "0.11.1",
            Version::V0_15_1 => "0.15.1",
        }
    }

    /// The first line of the daemon's help text (`VERSION_STRING`).
    pub(crate) const fn banner(self) -> &'static str {
        match self {
            Version::V0_8_5 => "multipath-tools v0.8.5 (11/09, 2020)\n",
            Version::V0_9_4 => "multipath-tools v0.9.4 (12/19, 2022)\n",
            Version::V0_11_1 => "multipath-tools v0.11.1 (01/24, 2025)\n",
            Version::V0_15_1 => "multipath-tools v0.15.1 (08/27, 2026)\n",
        }
    }

    /// The "CLI commands reference" part of the help text, as recorded.
    pub(crate) const fn help_body(self) -> &'static str {
        match self {
            Version::V0_8_5 => include_str!("../data/0.8.5/help.txt"),
            Version::V0_9_4 => include_str!("../data/0.9.4/help.txt"),
            Version::V0_11_1 => include_str!("../data/0.11.1/help.txt"),
            Version::V0_15_1 => include_str!("../data/0.15.1/help.txt"),
        }
    }

    /// `show config`, as recorded from that release with the test set-up's
    /// multipath.conf.
    pub(crate) const fn config_text(self) -> &'static str {
        match self {
            Version::V0_8_5 => include_str!("../data/0.8.5/config.txt"),
            Version::V0_9_4 => include_str!("../data/0.9.4/config.txt"),
            Version::V0_11_1 => include_str!("../data/0.11.1/config.txt"),
            Version::V0_15_1 => include_str!("../data/0.15.1/config.txt"),
        }
    }

    /// `show config local` up to its `multipaths` section, which is rendered
    /// from the current maps.
    pub(crate) const fn config_local_head(self) -> &'static str {
        match self {
            Version::V0_8_5 => include_str!("../data/0.8.5/config_local_head.txt"),
            Version::V0_9_4 => include_str!("../data/0.9.4/config_local_head.txt"),
            Version::V0_11_1 => include_str!("../data/0.11.1/config_local_head.txt"),
            Version::V0_15_1 => include_str!("../data/0.15.1/config_local_head.txt"),
        }
    }

    /// `show blacklist`, as recorded.
    pub(crate) const fn blacklist_text(self) -> &'static str {
        match self {
            Version::V0_8_5 => include_str!("../data/0.8.5/blacklist.txt"),
            Version::V0_9_4 => include_str!("../data/0.9.4/blacklist.txt"),
            Version::V0_11_1 => include_str!("../data/0.11.1/blacklist.txt"),
            Version::V0_15_1 => include_str!("../data/0.15.1/blacklist.txt"),
        }
    }

    /// 0.8.x: the command parser and reply conventions of `uxsock_trigger`
    /// (fingerprint = sum of keyword codes, plain prefix permission test).
    pub(crate) const fn is_legacy(self) -> bool {
        matches!(self, Version::V0_8_5)
    }

    /// 0.10+: every failure starts with `fail\n`, unknown devices add
    /// `device not found`.
    pub(crate) const fn fail_prefixed(self) -> bool {
        matches!(self, Version::V0_11_1 | Version::V0_15_1)
    }

    /// 0.11+: the handlers and reply spellings of 0.11.1 (`set`/`unset`
    /// PR status, `dm-N` falling back to the alias, `major:minor` paths
    /// first, ...), which 0.15.1 keeps.
    pub(crate) const fn is_0_11_plus(self) -> bool {
        matches!(self, Version::V0_11_1 | Version::V0_15_1)
    }

    /// 0.13+: `getprhold`/`setprhold`/`unsetprhold` and `setprstatus map M
    /// pathlist L`; `setprstatus` leaves the status unset when the map has
    /// no reservation key (its registration fails).
    pub(crate) const fn has_pr_hold(self) -> bool {
        matches!(self, Version::V0_15_1)
    }

    /// 0.12+: `reinstate path` sets the path's checker state to
    /// `PATH_UNCHECKED` (printed `undef`) until its next check.
    pub(crate) const fn reinstate_unchecks(self) -> bool {
        matches!(self, Version::V0_15_1)
    }

    /// 0.12+: the daemon also listens on a pathname socket
    /// (`/run/multipathd.socket`, mode 0666).
    pub const fn has_pathname_socket(self) -> bool {
        matches!(self, Version::V0_15_1)
    }

    /// The reply to a peer that is not root.
    pub(crate) const fn permission_denied(self) -> &'static str {
        match self {
            Version::V0_8_5 => "permission deny: need to be root",
            Version::V0_9_4 => "permission deny: need to be root\n",
            Version::V0_11_1 | Version::V0_15_1 => "fail\npermission deny: need to be root\n",
        }
    }

    /// The reply when the daemon gave up on a command (`uxsock_timeout`).
    pub(crate) const fn timeout_reply(self) -> &'static str {
        match self {
            Version::V0_8_5 | Version::V0_9_4 => "timeout\n",
            Version::V0_11_1 | Version::V0_15_1 => "fail\ntimeout\n",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A version the simulator has no profile for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no simulator profile for multipath-tools {0:?} (have 0.8.5, 0.9.4, 0.11.1, 0.15.1)")]
pub struct UnknownVersion(pub String);

impl FromStr for Version {
    type Err = UnknownVersion;

    /// Parses `0.9.4` or `v0.9.4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix('v').unwrap_or(s) {
            "0.8.5" => Ok(Version::V0_8_5),
            "0.9.4" => Ok(Version::V0_9_4),
            "0.11.1" => Ok(Version::V0_11_1),
            "0.15.1" => Ok(Version::V0_15_1),
            _ => Err(UnknownVersion(s.to_owned())),
        }
    }
}

impl TryFrom<DaemonVersion> for Version {
    type Error = UnknownVersion;

    fn try_from(v: DaemonVersion) -> Result<Self, Self::Error> {
        v.to_string().parse()
    }
}

impl From<Version> for DaemonVersion {
    fn from(v: Version) -> Self {
        v.daemon_version()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_converts() {
        for v in ALL_VERSIONS {
            assert_eq!(v.as_str().parse::<Version>().unwrap(), v);
            assert_eq!(Version::try_from(v.daemon_version()).unwrap(), v);
            assert!(v.banner().contains(v.as_str()));
            assert!(v.help_body().starts_with("CLI commands reference:\n"));
        }
        assert_eq!("v0.11.1".parse::<Version>().unwrap(), Version::V0_11_1);
        assert!("0.10.0".parse::<Version>().is_err());
    }
}
