//! The states the daemon prints, as enums.
//!
//! Each enum has one spelling table: the daemon's word for every state it
//! knows (taken from multipath-tools' `print.c`), shared by the parsers of
//! this crate and by the simulator (`mpd-sim`) that prints them. A word the
//! table does not know (a newer daemon's state) is kept in `Other`, so
//! nothing the daemon says is lost. The daemon's placeholders (`undef`,
//! `-`, `unknown`) are not states: the models hold `None` for them.
//!
//! ```
//! use mpd_proto::model::state::{CheckerState, PathDmState};
//!
//! assert_eq!(CheckerState::parse("i/o pending"), CheckerState::Pending);
//! assert_eq!(CheckerState::Pending.as_str(), "i/o pending");
//! assert_eq!(CheckerState::parse("frobbed"), CheckerState::Other("frobbed".into()));
//! assert_eq!(PathDmState::Failed.to_string(), "failed");
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::known;

/// Declares a state enum from its spelling table: the variants, `Other`,
/// `as_str`, `parse`, `KNOWN`, `Display`, and serde as the daemon's word.
macro_rules! state_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $var:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $var, )*
            /// A word this version of the library does not know, as the
            /// daemon printed it.
            Other(String),
        }

        impl $name {
            /// Every known state, in the spelling table's order.
            pub const KNOWN: &'static [$name] = &[$($name::$var),*];

            /// The daemon's word for the state.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$var => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// The state the daemon's word names; an unknown word is
            /// [`Other`](Self::Other).
            pub fn parse(word: &str) -> $name {
                match word {
                    $( $text => $name::$var, )*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// True for a word the spelling table knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                Ok($name::parse(&word))
            }
        }
    };
}

state_enum! {
    /// A path's state in its map's device-mapper table (`%t`, JSON
    /// `dm_st`). `undef` (an orphan path) is `None` in the models.
    PathDmState {
        /// `active`: the kernel sends I/O to it.
        Active = "active",
        /// `failed`: the kernel failed it (or `fail path` did).
        Failed = "failed",
    }
}

state_enum! {
    /// The path checker's verdict (`%T`, JSON `chk_st`). `undef` (never
    /// checked, or an orphan) is `None` in the models. The daemon's
    /// `show status` counts use other words (`up`, `down`, …), see
    /// [`CheckerState::status_name`].
    CheckerState {
        /// `ready` (`PATH_UP`): the path works.
        Ready = "ready",
        /// `faulty` (`PATH_DOWN`): the path does not work.
        Faulty = "faulty",
        /// `shaky` (`PATH_SHAKY`).
        Shaky = "shaky",
        /// `ghost` (`PATH_GHOST`): a standby path (ALUA standby), usable.
        Ghost = "ghost",
        /// `i/o pending` (`PATH_PENDING`): an asynchronous check runs.
        Pending = "i/o pending",
        /// `i/o timeout` (`PATH_TIMEOUT`): the check timed out.
        Timeout = "i/o timeout",
        /// `delayed` (`PATH_DELAYED`): reinstatement is delayed.
        Delayed = "delayed",
        /// `disconnected` (`PATH_DISCONNECTED`, newer daemons).
        Disconnected = "disconnected",
    }
}

impl CheckerState {
    /// Whether the daemon counts the path as usable (`ready` or `ghost`,
    /// as its `count_active_paths` does).
    pub fn is_usable(&self) -> bool {
        matches!(self, CheckerState::Ready | CheckerState::Ghost)
    }

    /// The word `show status` uses for the state (`up`, `down`, …).
    pub fn status_name(&self) -> &str {
        match self {
            CheckerState::Ready => "up",
            CheckerState::Faulty => "down",
            CheckerState::Pending => "pending",
            CheckerState::Timeout => "timeout",
            other => other.as_str(),
        }
    }
}

state_enum! {
    /// The kernel's state of a path's SCSI device (`%o`, JSON `dev_st`).
    /// `unknown` (an orphan path) is `None` in the models.
    DevState {
        /// `running`.
        Running = "running",
        /// `offline`: the device does not take I/O.
        Offline = "offline",
    }
}

state_enum! {
    /// A map's device-mapper state (`%t` of a map, JSON `dm_st`).
    MapDmState {
        /// `active`.
        Active = "active",
        /// `suspend`: I/O is held (`suspend map`).
        Suspend = "suspend",
    }
}

state_enum! {
    /// A path group's state in the device-mapper status (`%t` of a group,
    /// JSON `dm_st`).
    GroupState {
        /// `active`: the group I/O goes to.
        Active = "active",
        /// `enabled`: usable, not current.
        Enabled = "enabled",
        /// `disabled`: bypassed.
        Disabled = "disabled",
    }
}

state_enum! {
    /// Whether a path or path group is marginal (`%M`, JSON `marginal_st`).
    MarginalState {
        /// `marginal`: used only when no normal path is left.
        Marginal = "marginal",
        /// `normal`.
        Normal = "normal",
    }
}

impl MarginalState {
    /// `Some(true)` for marginal, `Some(false)` for normal, `None` for a
    /// word the library does not know.
    pub fn as_flag(&self) -> Option<bool> {
        match self {
            MarginalState::Marginal => Some(true),
            MarginalState::Normal => Some(false),
            MarginalState::Other(_) => None,
        }
    }
}

/// A map's queueing mode (`%Q`, JSON `queueing`): what happens to I/O when
/// no path is left. `-` (`no_path_retry` not set) is `None` in the models.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Queueing {
    /// `off`: I/O fails at once when no path is left.
    Off,
    /// `on`: I/O queues until a path returns (it may hang forever).
    On,
    /// `N chk`: I/O will queue for N checker intervals once the last path
    /// fails (paths are up now).
    Checks(u32),
    /// `N sec`: all paths are down and I/O queues; it fails in N seconds.
    Seconds(u32),
    /// A word this version of the library does not know.
    Other(String),
}

impl Queueing {
    /// The daemon's word (`off`, `on`, `5 chk`, `12 sec`).
    pub fn parse(word: &str) -> Queueing {
        let counted = |suffix: &str| word.strip_suffix(suffix).and_then(|n| n.parse().ok());
        match word {
            "off" => Queueing::Off,
            "on" => Queueing::On,
            _ => {
                if let Some(n) = counted(" chk") {
                    Queueing::Checks(n)
                } else if let Some(n) = counted(" sec") {
                    Queueing::Seconds(n)
                } else {
                    Queueing::Other(word.to_owned())
                }
            }
        }
    }

    /// True when I/O would queue (or queues) rather than fail at once
    /// once no path is left: `on`, `N chk`, `N sec`.
    pub fn queues(&self) -> bool {
        matches!(
            self,
            Queueing::On | Queueing::Checks(_) | Queueing::Seconds(_)
        )
    }
}

impl fmt::Display for Queueing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Queueing::Off => f.write_str("off"),
            Queueing::On => f.write_str("on"),
            Queueing::Checks(n) => write!(f, "{n} chk"),
            Queueing::Seconds(n) => write!(f, "{n} sec"),
            Queueing::Other(s) => f.write_str(s),
        }
    }
}

impl std::str::FromStr for Queueing {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Queueing::parse(s))
    }
}

impl Serialize for Queueing {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Queueing {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Ok(Queueing::parse(&word))
    }
}

/// A state field's value: `None` for the daemon's placeholders (`undef`,
/// `-`, `unknown`, empty), else the parsed state.
pub(crate) fn opt_state<T: std::str::FromStr<Err = std::convert::Infallible>>(
    s: &str,
) -> Option<T> {
    let v = known(s)?;
    if v == "unknown" {
        return None;
    }
    v.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_tables_round_trip() {
        for s in CheckerState::KNOWN {
            assert_eq!(&CheckerState::parse(s.as_str()), s);
        }
        for s in GroupState::KNOWN {
            assert_eq!(&GroupState::parse(s.as_str()), s);
        }
        assert_eq!(CheckerState::Faulty.status_name(), "down");
        assert!(CheckerState::Ghost.is_usable());
        assert!(!CheckerState::Other("x".into()).is_usable());
    }

    #[test]
    fn queueing_words() {
        for (w, q) in [
            ("off", Queueing::Off),
            ("on", Queueing::On),
            ("5 chk", Queueing::Checks(5)),
            ("12 sec", Queueing::Seconds(12)),
            ("x chk", Queueing::Other("x chk".into())),
        ] {
            assert_eq!(Queueing::parse(w), q);
            assert_eq!(q.to_string(), w);
        }
        assert!(Queueing::Checks(1).queues() && !Queueing::Off.queues());
    }

    #[test]
    fn placeholders_are_none() {
        for p in ["undef", "-", "", "[undef]", "unknown"] {
            assert_eq!(opt_state::<DevState>(p), None, "{p}");
        }
        assert_eq!(opt_state::<DevState>("running"), Some(DevState::Running));
    }

    #[test]
    fn serde_as_words() {
        let json = serde_json::to_string(&(CheckerState::Pending, Queueing::Checks(3))).unwrap();
        assert_eq!(json, r#"["i/o pending","3 chk"]"#);
        let back: (CheckerState, Queueing) = serde_json::from_str(&json).unwrap();
        assert_eq!(back, (CheckerState::Pending, Queueing::Checks(3)));
    }
}
