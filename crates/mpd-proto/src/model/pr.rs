//! Persistent-reservation replies (`getprstatus`, `getprkey`).
//!
//! ```
//! use mpd_proto::model::pr::{parse_pr_key, parse_pr_status, PrKey, PrStatus};
//!
//! assert_eq!(parse_pr_status("0").unwrap(), PrStatus::Unset);      // 0.8, 0.9
//! assert_eq!(parse_pr_status("set\n").unwrap(), PrStatus::Set);    // 0.10+
//! assert_eq!(parse_pr_key("none\n").unwrap(), None);
//! assert_eq!(parse_pr_key("0x1a:aptpl\n").unwrap(), Some(PrKey { key: 0x1a, aptpl: true }));
//! ```

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Whether the daemon has registered a reservation key for a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrStatus {
    /// A key is registered (`1` before 0.10, `set` since).
    Set,
    /// No key is registered (`0` before 0.10, `unset` since).
    Unset,
    /// The daemon has not checked yet (`unknown`, 0.10+).
    Unknown,
}

/// A persistent-reservation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrKey {
    /// The 64-bit key.
    pub key: u64,
    /// Whether it persists through power loss (`:aptpl`).
    pub aptpl: bool,
}

/// Parses the reply to `getprstatus map M`.
pub fn parse_pr_status(text: &str) -> Result<PrStatus, Error> {
    match text.trim() {
        "1" | "set" => Ok(PrStatus::Set),
        "0" | "unset" => Ok(PrStatus::Unset),
        "unknown" => Ok(PrStatus::Unknown),
        other => Err(Error::parse("pr status", format!("unexpected {other:?}"))),
    }
}

/// Parses the reply to `getprkey map M`: `none`, or a hex key with an
/// optional `:aptpl`.
pub fn parse_pr_key(text: &str) -> Result<Option<PrKey>, Error> {
    let t = text.trim();
    if t == "none" {
        return Ok(None);
    }
    let (body, aptpl) = match t.strip_suffix(":aptpl") {
        Some(b) => (b, true),
        None => (t, false),
    };
    let hex = body.strip_prefix("0x").unwrap_or(body);
    let key = u64::from_str_radix(hex, 16)
        .map_err(|_| Error::parse("pr key", format!("{t:?} is not a hex key")))?;
    Ok(Some(PrKey { key, aptpl }))
}
