//! Typed commands and their exact daemon text.
//!
//! Every command the daemon's help text lists (0.8.5 to 0.11.1, plus the
//! persistent-reservation hold commands of newer releases) is a variant of
//! [`Command`]. [`Command::text`] renders it with every argument quoted for
//! the daemon's tokenizer and checks the 512-byte limit; [`Command::encode`]
//! also frames it. Invalid arguments are refused here, before any byte is
//! produced.
//!
//! ```
//! use mpd_proto::Command;
//!
//! let cmd = Command::FailPath("sda".into());
//! assert_eq!(cmd.text().unwrap(), r#"fail path "sda""#);
//!
//! let bad = Command::SuspendMap("mpatha\nshutdown".into());
//! assert!(bad.text().is_err());
//! ```

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::frame::{encode_frame_into, MAX_COMMAND_LEN};
use crate::quote::{quote, validate};

/// What kind of reply a command produces, which decides how
/// [`crate::reply::classify`] reads ambiguous texts such as `ok` or `fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReplyShape {
    /// An action: the daemon answers `ok` on success.
    Action,
    /// A query: the daemon answers with data.
    Data,
}

/// One multipathd command.
///
/// Path arguments are kernel device names as the daemon lists them (`sda`);
/// map arguments are map names or aliases (`mpatha`), which the daemon also
/// matches against the dm device (`dm-0`) and the WWID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Command {
    /// `show paths`: padded table of all paths.
    ShowPaths,
    /// `show paths format F` (padded, with header) or `show paths raw format F`.
    ShowPathsFormat {
        /// The format string, with `%` wildcards (see `show wildcards`).
        format: String,
        /// `raw`: no header, no padding.
        raw: bool,
    },
    /// `show path P`: the path's device state (e.g. `running`).
    ShowPath(String),
    /// `show status`: checker-state counts, path count, busy flag.
    ShowStatus,
    /// `show daemon`: pid and daemon state.
    ShowDaemon,
    /// `show maps`: padded table of all maps.
    ShowMaps,
    /// `show maps status`.
    ShowMapsStatus,
    /// `show maps stats`.
    ShowMapsStats,
    /// `show maps format F` / `show maps raw format F`.
    ShowMapsFormat {
        /// The format string.
        format: String,
        /// `raw`: no header, no padding.
        raw: bool,
    },
    /// `show maps topology`.
    ShowMapsTopology,
    /// `show topology`.
    ShowTopology,
    /// `show maps json`.
    ShowMapsJson,
    /// `show map M topology`.
    ShowMapTopology(String),
    /// `show map M format F` / `show map M raw format F`.
    ShowMapFormat {
        /// The map.
        map: String,
        /// The format string.
        format: String,
        /// `raw`: no header, no padding.
        raw: bool,
    },
    /// `show map M json`.
    ShowMapJson(String),
    /// `show config`.
    ShowConfig,
    /// `show config local`.
    ShowConfigLocal,
    /// `show blacklist`.
    ShowBlacklist,
    /// `show devices`.
    ShowDevices,
    /// `show wildcards`.
    ShowWildcards,
    /// `reset maps stats`.
    ResetMapsStats,
    /// `reset map M stats`.
    ResetMapStats(String),
    /// `add path P`.
    AddPath(String),
    /// `del path P`.
    DelPath(String),
    /// `add map M`.
    AddMap(String),
    /// `del map M`.
    DelMap(String),
    /// `del maps`: stop monitoring and remove every map.
    DelMaps,
    /// `switchgroup map M group G` (groups count from 1).
    SwitchGroup {
        /// The map.
        map: String,
        /// The path group to switch to, from 1.
        group: u32,
    },
    /// `reconfigure`.
    Reconfigure,
    /// `reconfigure all` (0.9+): reload every map even if unchanged.
    ReconfigureAll,
    /// `suspend map M`.
    SuspendMap(String),
    /// `resume map M`.
    ResumeMap(String),
    /// `resize map M`.
    ResizeMap(String),
    /// `reset map M`.
    ResetMap(String),
    /// `reload map M`.
    ReloadMap(String),
    /// `reinstate path P`.
    ReinstatePath(String),
    /// `fail path P`.
    FailPath(String),
    /// `disablequeueing map M`.
    DisableQueueingMap(String),
    /// `restorequeueing map M`.
    RestoreQueueingMap(String),
    /// `disablequeueing maps`.
    DisableQueueingMaps,
    /// `restorequeueing maps`.
    RestoreQueueingMaps,
    /// `forcequeueing daemon`.
    ForceQueueingDaemon,
    /// `restorequeueing daemon`.
    RestoreQueueingDaemon,
    /// `shutdown`: stops the daemon.
    Shutdown,
    /// `getprstatus map M`.
    GetPrStatus(String),
    /// `setprstatus map M`.
    SetPrStatus(String),
    /// `setprstatus map M pathlist L` (0.13.1+): marks the reservation
    /// registered and names the paths (kernel device names) on which the
    /// key is already registered. The list goes to the daemon as one quoted
    /// argument, the names separated by spaces, as the daemon splits it.
    SetPrStatusPathlist {
        /// The map.
        map: String,
        /// The registered paths, at least one; names must not contain
        /// whitespace.
        paths: Vec<String>,
    },
    /// `unsetprstatus map M`.
    UnsetPrStatus(String),
    /// `getprkey map M`.
    GetPrKey(String),
    /// `setprkey map M key K`; `K` is a hex key such as `0x123abc`, with an
    /// optional `:aptpl` suffix on daemons that support it.
    SetPrKey {
        /// The map.
        map: String,
        /// The reservation key.
        key: String,
    },
    /// `unsetprkey map M`.
    UnsetPrKey(String),
    /// `getprhold map M` (newer daemons only).
    GetPrHold(String),
    /// `setprhold map M` (newer daemons only).
    SetPrHold(String),
    /// `unsetprhold map M` (newer daemons only).
    UnsetPrHold(String),
    /// `setmarginal path P`.
    SetMarginal(String),
    /// `unsetmarginal path P`.
    UnsetMarginalPath(String),
    /// `unsetmarginal map M`.
    UnsetMarginalMap(String),
    /// A command text sent as it is, for commands this enum does not know.
    /// It must still be free of control characters and fit the length limit;
    /// quoting its arguments is the caller's job (see [`crate::quote`]).
    Raw {
        /// The command text.
        text: String,
        /// What its reply looks like.
        shape: ReplyShape,
    },
}

const PATH: &str = "path name";
const MAP: &str = "map name";
const FORMAT: &str = "format";

impl Command {
    /// Renders the command as the daemon reads it, arguments quoted.
    ///
    /// Fails with [`Error::InvalidArgument`] for an argument that cannot be
    /// passed (empty, control characters, a group of 0, a malformed key) and
    /// with [`Error::CommandTooLong`] when the text with its NUL exceeds
    /// [`MAX_COMMAND_LEN`].
    pub fn text(&self) -> Result<String, Error> {
        use Command::*;
        let raw_fmt = |raw: bool| if raw { "raw format" } else { "format" };
        let text = match self {
            ShowPaths => "show paths".to_owned(),
            ShowPathsFormat { format, raw } => {
                format!("show paths {} {}", raw_fmt(*raw), quote(FORMAT, format)?)
            }
            ShowPath(p) => format!("show path {}", quote(PATH, p)?),
            ShowStatus => "show status".to_owned(),
            ShowDaemon => "show daemon".to_owned(),
            ShowMaps => "show maps".to_owned(),
            ShowMapsStatus => "show maps status".to_owned(),
            ShowMapsStats => "show maps stats".to_owned(),
            ShowMapsFormat { format, raw } => {
                format!("show maps {} {}", raw_fmt(*raw), quote(FORMAT, format)?)
            }
            ShowMapsTopology => "show maps topology".to_owned(),
            ShowTopology => "show topology".to_owned(),
            ShowMapsJson => "show maps json".to_owned(),
            ShowMapTopology(m) => format!("show map {} topology", quote(MAP, m)?),
            ShowMapFormat { map, format, raw } => format!(
                "show map {} {} {}",
                quote(MAP, map)?,
                raw_fmt(*raw),
                quote(FORMAT, format)?
            ),
            ShowMapJson(m) => format!("show map {} json", quote(MAP, m)?),
            ShowConfig => "show config".to_owned(),
            ShowConfigLocal => "show config local".to_owned(),
            ShowBlacklist => "show blacklist".to_owned(),
            ShowDevices => "show devices".to_owned(),
            ShowWildcards => "show wildcards".to_owned(),
            ResetMapsStats => "reset maps stats".to_owned(),
            ResetMapStats(m) => format!("reset map {} stats", quote(MAP, m)?),
            AddPath(p) => format!("add path {}", quote(PATH, p)?),
            DelPath(p) => format!("del path {}", quote(PATH, p)?),
            AddMap(m) => format!("add map {}", quote(MAP, m)?),
            DelMap(m) => format!("del map {}", quote(MAP, m)?),
            DelMaps => "del maps".to_owned(),
            SwitchGroup { map, group } => {
                if *group == 0 {
                    return Err(Error::InvalidArgument {
                        what: "path group",
                        reason: "groups are numbered from 1".into(),
                    });
                }
                format!("switchgroup map {} group {group}", quote(MAP, map)?)
            }
            Reconfigure => "reconfigure".to_owned(),
            ReconfigureAll => "reconfigure all".to_owned(),
            SuspendMap(m) => format!("suspend map {}", quote(MAP, m)?),
            ResumeMap(m) => format!("resume map {}", quote(MAP, m)?),
            ResizeMap(m) => format!("resize map {}", quote(MAP, m)?),
            ResetMap(m) => format!("reset map {}", quote(MAP, m)?),
            ReloadMap(m) => format!("reload map {}", quote(MAP, m)?),
            ReinstatePath(p) => format!("reinstate path {}", quote(PATH, p)?),
            FailPath(p) => format!("fail path {}", quote(PATH, p)?),
            DisableQueueingMap(m) => format!("disablequeueing map {}", quote(MAP, m)?),
            RestoreQueueingMap(m) => format!("restorequeueing map {}", quote(MAP, m)?),
            DisableQueueingMaps => "disablequeueing maps".to_owned(),
            RestoreQueueingMaps => "restorequeueing maps".to_owned(),
            ForceQueueingDaemon => "forcequeueing daemon".to_owned(),
            RestoreQueueingDaemon => "restorequeueing daemon".to_owned(),
            Shutdown => "shutdown".to_owned(),
            GetPrStatus(m) => format!("getprstatus map {}", quote(MAP, m)?),
            SetPrStatus(m) => format!("setprstatus map {}", quote(MAP, m)?),
            SetPrStatusPathlist { map, paths } => format!(
                "setprstatus map {} pathlist {}",
                quote(MAP, map)?,
                quote("path list", &pathlist(paths)?)?
            ),
            UnsetPrStatus(m) => format!("unsetprstatus map {}", quote(MAP, m)?),
            GetPrKey(m) => format!("getprkey map {}", quote(MAP, m)?),
            SetPrKey { map, key } => {
                validate_prkey(key)?;
                format!(
                    "setprkey map {} key {}",
                    quote(MAP, map)?,
                    quote("key", key)?
                )
            }
            UnsetPrKey(m) => format!("unsetprkey map {}", quote(MAP, m)?),
            GetPrHold(m) => format!("getprhold map {}", quote(MAP, m)?),
            SetPrHold(m) => format!("setprhold map {}", quote(MAP, m)?),
            UnsetPrHold(m) => format!("unsetprhold map {}", quote(MAP, m)?),
            SetMarginal(p) => format!("setmarginal path {}", quote(PATH, p)?),
            UnsetMarginalPath(p) => format!("unsetmarginal path {}", quote(PATH, p)?),
            UnsetMarginalMap(m) => format!("unsetmarginal map {}", quote(MAP, m)?),
            Raw { text, .. } => {
                validate("command", text)?;
                if crate::quote::tokenize(text).is_empty() {
                    return Err(Error::InvalidArgument {
                        what: "command",
                        reason: "holds no keyword (blank or only a comment)".into(),
                    });
                }
                text.clone()
            }
        };
        let len = text.len() + 1;
        if len > MAX_COMMAND_LEN {
            return Err(Error::CommandTooLong {
                len,
                max: MAX_COMMAND_LEN,
            });
        }
        Ok(text)
    }

    /// Renders and frames the command, appending the bytes to write to the
    /// socket to `out` (a buffer the caller may reuse, as
    /// [`encode_frame_into`] does). On error nothing is appended.
    ///
    /// ```
    /// let mut buf = Vec::new();
    /// mpd_proto::Command::ShowStatus.encode(&mut buf).unwrap();
    /// assert_eq!(&buf[mpd_proto::frame::LEN_PREFIX..], b"show status\0");
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let text = self.text()?;
        encode_frame_into(text.as_bytes(), out);
        Ok(())
    }

    /// Whether the command is an action (answers `ok`) or a query.
    pub fn reply_shape(&self) -> ReplyShape {
        use Command::*;
        match self {
            ShowPaths
            | ShowPathsFormat { .. }
            | ShowPath(_)
            | ShowStatus
            | ShowDaemon
            | ShowMaps
            | ShowMapsStatus
            | ShowMapsStats
            | ShowMapsFormat { .. }
            | ShowMapsTopology
            | ShowTopology
            | ShowMapsJson
            | ShowMapTopology(_)
            | ShowMapFormat { .. }
            | ShowMapJson(_)
            | ShowConfig
            | ShowConfigLocal
            | ShowBlacklist
            | ShowDevices
            | ShowWildcards
            | GetPrStatus(_)
            | GetPrKey(_)
            | GetPrHold(_) => ReplyShape::Data,
            Raw { shape, .. } => *shape,
            _ => ReplyShape::Action,
        }
    }

    /// The first multipath-tools release that knows the command, for the
    /// commands that not every supported release knows; `None` for the
    /// commands every release since 0.8 knows (and for [`Command::Raw`]).
    ///
    /// An older daemon refuses such a command either with its help text
    /// (0.8) or, when the unknown keyword is not the last word, with a bare
    /// `fail` (0.9+), which a client can only tell from a real failure by
    /// the daemon's version.
    ///
    /// ```
    /// use mpd_proto::{Command, DaemonVersion};
    /// assert_eq!(Command::GetPrHold("m".into()).since(), Some(DaemonVersion::new(0, 13, 0)));
    /// assert_eq!(Command::ShowMaps.since(), None);
    /// ```
    pub fn since(&self) -> Option<crate::DaemonVersion> {
        use crate::DaemonVersion as V;
        match self {
            Command::ReconfigureAll => Some(V::new(0, 9, 0)),
            Command::GetPrHold(_) | Command::SetPrHold(_) | Command::UnsetPrHold(_) => {
                Some(V::new(0, 13, 0))
            }
            Command::SetPrStatusPathlist { .. } => Some(V::new(0, 13, 1)),
            _ => None,
        }
    }

    /// True for commands a non-root peer may send (the `show`/`list` family).
    /// The daemon refuses everything else from non-root peers.
    pub fn is_read_only(&self) -> bool {
        match self {
            Command::Raw { text, .. } => {
                matches!(
                    crate::quote::tokenize(text).first().map(String::as_str),
                    Some("show" | "list")
                )
            }
            Command::GetPrStatus(_) | Command::GetPrKey(_) | Command::GetPrHold(_) => false,
            _ => self.reply_shape() == ReplyShape::Data,
        }
    }
}

/// Joins the paths of a `pathlist` argument: the daemon splits it at
/// whitespace, so a name holding whitespace (or an empty name, or an empty
/// list) cannot be passed.
fn pathlist(paths: &[String]) -> Result<String, Error> {
    if paths.is_empty() {
        return Err(Error::InvalidArgument {
            what: "path list",
            reason: "must name at least one path (use setprstatus without a list)".into(),
        });
    }
    for p in paths {
        validate(PATH, p)?;
        if p.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b) {
            return Err(Error::InvalidArgument {
                what: PATH,
                reason: format!("{p:?}: the daemon splits a path list at whitespace"),
            });
        }
    }
    Ok(paths.join(" "))
}

/// Checks a persistent-reservation key: `0x` and 1 to 16 hex digits (or up
/// to 16 hex digits without the prefix), optionally followed by `:aptpl`.
fn validate_prkey(key: &str) -> Result<(), Error> {
    validate("key", key)?;
    let body = key.strip_suffix(":aptpl").unwrap_or(key);
    let digits = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::InvalidArgument {
            what: "key",
            reason: format!(
                "{key:?} is not a reservation key (up to 16 hex digits, e.g. 0x123abc)"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_recorded_commands() {
        let cases = [
            (Command::ShowMapsStatus, "show maps status"),
            (
                Command::ShowPathsFormat {
                    format: "%d|%D".into(),
                    raw: true,
                },
                "show paths raw format \"%d|%D\"",
            ),
            (
                Command::SwitchGroup {
                    map: "mpatha".into(),
                    group: 2,
                },
                "switchgroup map \"mpatha\" group 2",
            ),
            (Command::DisableQueueingMaps, "disablequeueing maps"),
            (
                Command::UnsetMarginalMap("mpatha".into()),
                "unsetmarginal map \"mpatha\"",
            ),
            (
                Command::SetPrKey {
                    map: "m".into(),
                    key: "0xabc".into(),
                },
                "setprkey map \"m\" key \"0xabc\"",
            ),
        ];
        for (cmd, text) in cases {
            assert_eq!(cmd.text().unwrap(), text);
        }
    }

    #[test]
    fn pathlist_is_one_quoted_argument_of_plain_names() {
        let cmd = Command::SetPrStatusPathlist {
            map: "mpatha".into(),
            paths: vec!["sda".into(), "sdc".into()],
        };
        assert_eq!(
            cmd.text().unwrap(),
            r#"setprstatus map "mpatha" pathlist "sda sdc""#
        );
        assert_eq!(cmd.reply_shape(), ReplyShape::Action);
        assert!(!cmd.is_read_only());
        for bad in [
            vec![],
            vec!["sda b".to_owned()],
            vec!["".to_owned()],
            vec!["a\tb".to_owned()],
        ] {
            let r = Command::SetPrStatusPathlist {
                map: "m".into(),
                paths: bad.clone(),
            }
            .text();
            assert!(
                matches!(r, Err(Error::InvalidArgument { .. })),
                "{bad:?}: {r:?}"
            );
        }
    }

    #[test]
    fn length_limit_counts_the_nul() {
        // "del map " + quotes = 10 bytes of overhead, plus the NUL.
        let fits = "x".repeat(MAX_COMMAND_LEN - 1 - 10);
        assert_eq!(
            Command::DelMap(fits).text().unwrap().len(),
            MAX_COMMAND_LEN - 1
        );
        let over = "x".repeat(MAX_COMMAND_LEN - 10);
        assert_eq!(
            Command::DelMap(over).text(),
            Err(Error::CommandTooLong { len: 513, max: 512 })
        );
        // Quote doubling counts too.
        let quotes = "\"".repeat(300);
        assert!(matches!(
            Command::DelMap(quotes).text(),
            Err(Error::CommandTooLong { .. })
        ));
    }

    #[test]
    fn refuses_bad_arguments() {
        assert!(Command::SwitchGroup {
            map: "m".into(),
            group: 0
        }
        .text()
        .is_err());
        for key in ["", "0x", "xyz", "0x12345678901234567", "0x1 2"] {
            assert!(
                Command::SetPrKey {
                    map: "m".into(),
                    key: key.into()
                }
                .text()
                .is_err(),
                "{key}"
            );
        }
        assert!(Command::SetPrKey {
            map: "m".into(),
            key: "0x1:aptpl".into()
        }
        .text()
        .is_ok());
        assert!(Command::Raw {
            text: "   # x".into(),
            shape: ReplyShape::Data
        }
        .text()
        .is_err());
        assert!(Command::Raw {
            text: "show maps\nshutdown".into(),
            shape: ReplyShape::Data
        }
        .text()
        .is_err());
    }

    #[test]
    fn classifies_read_only() {
        assert!(Command::ShowMapsJson.is_read_only());
        assert!(!Command::FailPath("sda".into()).is_read_only());
        assert!(!Command::GetPrKey("m".into()).is_read_only());
        assert!(Command::Raw {
            text: "list maps".into(),
            shape: ReplyShape::Data
        }
        .is_read_only());
    }
}
