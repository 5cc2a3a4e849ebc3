//! Where the daemon listens, and how the official client finds it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The abstract socket name every multipathd release listens on.
pub const DEFAULT_ABSTRACT_NAME: &str = "/org/kernel/linux/storage/multipathd";

/// The pathname socket multipathd 0.12+ also listens on.
pub const DEFAULT_SOCKET_PATH: &str = "/run/multipathd.socket";

/// The environment variable that overrides the address (libmpathcmd 0.12+);
/// a value starting with `@` names an abstract socket.
pub const SOCKET_ENV: &str = "MULTIPATH_SOCKET_NAME";

/// A unix socket address: a filesystem path, or a Linux abstract name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// A socket file, e.g. `/run/multipathd.socket`.
    Path(PathBuf),
    /// An abstract name, without the leading NUL (written `@name`).
    Abstract(String),
}

impl Address {
    /// The daemon's default abstract address.
    pub fn default_abstract() -> Self {
        Address::Abstract(DEFAULT_ABSTRACT_NAME.to_owned())
    }

    /// Parses `@name` as an abstract name and anything else as a path.
    pub fn parse(s: &str) -> Self {
        match s.strip_prefix('@') {
            Some(name) => Address::Abstract(name.to_owned()),
            None => Address::Path(PathBuf::from(s)),
        }
    }

    /// The addresses [`crate::Client::connect`] tries, in order: the value
    /// of `MULTIPATH_SOCKET_NAME` alone if it is set and not empty;
    /// otherwise the pathname socket (when the file exists) and then the
    /// abstract name, as the official client of 0.12+ does.
    pub fn discover() -> Vec<Address> {
        match std::env::var(SOCKET_ENV) {
            Ok(v) if !v.is_empty() => vec![Address::parse(&v)],
            _ => {
                let mut out = Vec::with_capacity(2);
                if Path::new(DEFAULT_SOCKET_PATH).exists() {
                    out.push(Address::Path(DEFAULT_SOCKET_PATH.into()));
                }
                out.push(Address::default_abstract());
                out
            }
        }
    }

    pub(crate) fn sockaddr(&self) -> std::io::Result<socket2::SockAddr> {
        match self {
            Address::Path(p) => socket2::SockAddr::unix(p),
            Address::Abstract(name) => {
                let mut bytes = Vec::with_capacity(name.len() + 1);
                bytes.push(0u8);
                bytes.extend_from_slice(name.as_bytes());
                use std::os::unix::ffi::OsStrExt;
                socket2::SockAddr::unix(std::ffi::OsStr::from_bytes(&bytes))
            }
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Path(p) => write!(f, "{}", p.display()),
            Address::Abstract(n) => write!(f, "@{n}"),
        }
    }
}

impl FromStr for Address {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Address::parse(s))
    }
}

impl From<&str> for Address {
    fn from(s: &str) -> Self {
        Address::parse(s)
    }
}

impl From<String> for Address {
    fn from(s: String) -> Self {
        Address::parse(&s)
    }
}

impl From<&Path> for Address {
    fn from(p: &Path) -> Self {
        Address::Path(p.to_owned())
    }
}

impl From<PathBuf> for Address {
    fn from(p: PathBuf) -> Self {
        Address::Path(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        assert_eq!(Address::parse("@x/y"), Address::Abstract("x/y".into()));
        assert_eq!(Address::parse("/tmp/s"), Address::Path("/tmp/s".into()));
        assert_eq!(
            Address::default_abstract().to_string(),
            "@/org/kernel/linux/storage/multipathd"
        );
        assert!(Address::parse("@abc").sockaddr().is_ok());
    }
}
