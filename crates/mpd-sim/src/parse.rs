//! The daemon's command language: keywords, abbreviation, parameters, and
//! the table of accepted commands of each release.
//!
//! Splitting a command into words is [`mpd_proto::quote::tokenize`]; this
//! module does what multipathd's `get_cmdvec` and handler lookup do with
//! those words:
//!
//! - each word that is not a parameter is looked up in the version's keyword
//!   list by prefix (`find_key`): an exact match wins, a single prefix match
//!   is accepted, two prefix matches before an exact one make the word
//!   ambiguous (unknown);
//! - a keyword that takes a parameter (`path`, `map`, `group`, `format`,
//!   `key`, and on 0.13+ `pathlist`) consumes the next word;
//! - the keywords found are matched against the version's commands: in 0.9+
//!   by position (up to four keywords), in 0.8 by the sum of bit-flag codes
//!   (so word order does not matter there).
//!
//! The accepted commands are read from the version's recorded help text, so
//! the grammar and the help the simulator prints cannot disagree.

use std::sync::OnceLock;

use crate::version::Version;

/// A keyword code (aliases share one: `list`/`show`, `map`/`multipath`, …).
///
/// The order is the daemon's code order; in 0.8 the code of a keyword is
/// `1 << (its position here)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs, clippy::enum_variant_names)]
pub(crate) enum Key {
    List,
    Add,
    Del,
    Switch,
    Suspend,
    Resume,
    Reinstate,
    Fail,
    Resize,
    Reset,
    Reload,
    ForceQ,
    DisableQ,
    RestoreQ,
    Paths,
    Maps,
    Path,
    Map,
    Group,
    Reconfigure,
    Daemon,
    Status,
    Stats,
    Topology,
    Config,
    Blacklist,
    Devices,
    Raw,
    Wildcards,
    Quit,
    Shutdown,
    GetPrStatus,
    SetPrStatus,
    UnsetPrStatus,
    Fmt,
    Json,
    GetPrKey,
    SetPrKey,
    UnsetPrKey,
    KeyK,
    Local,
    SetMarginal,
    UnsetMarginal,
    All,
    GetPrHold,
    SetPrHold,
    UnsetPrHold,
    PathList,
}

impl Key {
    /// The 0.8 bit-flag code.
    fn legacy_code(self) -> u64 {
        1u64 << (self as u32)
    }
}

/// The keyword list, in the daemon's registration order (which decides
/// ambiguity): word, code, takes a parameter.
const KEYWORDS: &[(&str, Key, bool)] = &[
    ("list", Key::List, false),
    ("show", Key::List, false),
    ("add", Key::Add, false),
    ("remove", Key::Del, false),
    ("del", Key::Del, false),
    ("switch", Key::Switch, false),
    ("switchgroup", Key::Switch, false),
    ("suspend", Key::Suspend, false),
    ("resume", Key::Resume, false),
    ("reinstate", Key::Reinstate, false),
    ("fail", Key::Fail, false),
    ("resize", Key::Resize, false),
    ("reset", Key::Reset, false),
    ("reload", Key::Reload, false),
    ("forcequeueing", Key::ForceQ, false),
    ("disablequeueing", Key::DisableQ, false),
    ("restorequeueing", Key::RestoreQ, false),
    ("paths", Key::Paths, false),
    ("maps", Key::Maps, false),
    ("multipaths", Key::Maps, false),
    ("path", Key::Path, true),
    ("map", Key::Map, true),
    ("multipath", Key::Map, true),
    ("group", Key::Group, true),
    ("reconfigure", Key::Reconfigure, false),
    ("daemon", Key::Daemon, false),
    ("status", Key::Status, false),
    ("stats", Key::Stats, false),
    ("topology", Key::Topology, false),
    ("config", Key::Config, false),
    ("blacklist", Key::Blacklist, false),
    ("devices", Key::Devices, false),
    ("raw", Key::Raw, false),
    ("wildcards", Key::Wildcards, false),
    ("quit", Key::Quit, false),
    ("exit", Key::Quit, false),
    ("shutdown", Key::Shutdown, false),
    ("getprstatus", Key::GetPrStatus, false),
    ("setprstatus", Key::SetPrStatus, false),
    ("unsetprstatus", Key::UnsetPrStatus, false),
    ("format", Key::Fmt, true),
    ("json", Key::Json, false),
    ("getprkey", Key::GetPrKey, false),
    ("setprkey", Key::SetPrKey, false),
    ("unsetprkey", Key::UnsetPrKey, false),
    ("key", Key::KeyK, true),
    ("local", Key::Local, false),
    ("setmarginal", Key::SetMarginal, false),
    ("unsetmarginal", Key::UnsetMarginal, false),
    // 0.9+ only ("reconfigure all").
    ("all", Key::All, false),
    // 0.13+ only.
    ("getprhold", Key::GetPrHold, false),
    ("setprhold", Key::SetPrHold, false),
    ("unsetprhold", Key::UnsetPrHold, false),
    ("pathlist", Key::PathList, true),
];

/// How many of [`KEYWORDS`] 0.9 to 0.11 know (up to `all`).
const KEYWORDS_0_9: usize = KEYWORDS.len() - 4;

fn keywords(version: Version) -> &'static [(&'static str, Key, bool)] {
    if version.is_legacy() {
        &KEYWORDS[..KEYWORDS_0_9 - 1]
    } else if version.has_pr_hold() {
        KEYWORDS
    } else {
        &KEYWORDS[..KEYWORDS_0_9]
    }
}

/// `find_key`: exact match, or the only prefix match seen before a second
/// one (then the word is ambiguous).
fn find_key(version: Version, word: &str) -> Option<(Key, bool)> {
    let mut found = None;
    for &(kw, code, param) in keywords(version) {
        if !kw.starts_with(word) {
            continue;
        }
        if kw.len() == word.len() {
            return Some((code, param));
        }
        if found.is_some() {
            return None;
        }
        found = Some((code, param));
    }
    found
}

/// What a command does, one per line of the help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum Op {
    ListPaths,
    ListPathsFmt,
    ListPathsRaw,
    ListPath,
    ListMaps,
    ListStatus,
    ListDaemon,
    ListMapsStatus,
    ListMapsStats,
    ListMapsFmt,
    ListMapsRaw,
    ListMapsTopology,
    ListMapsJson,
    ListMapTopology,
    ListMapFmt,
    ListMapRaw,
    ListMapJson,
    ListConfigLocal,
    ListConfig,
    ListBlacklist,
    ListDevices,
    ListWildcards,
    ResetMapsStats,
    ResetMapStats,
    AddPath,
    DelPath,
    AddMap,
    DelMap,
    DelMaps,
    SwitchGroup,
    Reconfigure,
    ReconfigureAll,
    Suspend,
    Resume,
    Resize,
    Reload,
    ResetMap,
    Reinstate,
    Fail,
    DisableQ,
    RestoreQ,
    DisableQAll,
    RestoreQAll,
    Quit,
    Shutdown,
    GetPrStatus,
    SetPrStatus,
    UnsetPrStatus,
    ForceQDaemon,
    RestoreQDaemon,
    GetPrKey,
    SetPrKey,
    UnsetPrKey,
    SetMarginal,
    UnsetMarginal,
    UnsetMarginalMap,
    SetPrStatusList,
    GetPrHold,
    SetPrHold,
    UnsetPrHold,
}

fn op_for(pattern: &[Key]) -> Option<Op> {
    use Key::*;
    Some(match pattern {
        [List, Paths] => Op::ListPaths,
        [List, Paths, Fmt] => Op::ListPathsFmt,
        [List, Paths, Raw, Fmt] => Op::ListPathsRaw,
        [List, Path] => Op::ListPath,
        [List, Maps] => Op::ListMaps,
        [List, Status] => Op::ListStatus,
        [List, Daemon] => Op::ListDaemon,
        [List, Maps, Status] => Op::ListMapsStatus,
        [List, Maps, Stats] => Op::ListMapsStats,
        [List, Maps, Fmt] => Op::ListMapsFmt,
        [List, Maps, Raw, Fmt] => Op::ListMapsRaw,
        [List, Maps, Topology] | [List, Topology] => Op::ListMapsTopology,
        [List, Maps, Json] => Op::ListMapsJson,
        [List, Map, Topology] => Op::ListMapTopology,
        [List, Map, Fmt] => Op::ListMapFmt,
        [List, Map, Raw, Fmt] => Op::ListMapRaw,
        [List, Map, Json] => Op::ListMapJson,
        [List, Config, Local] => Op::ListConfigLocal,
        [List, Config] => Op::ListConfig,
        [List, Blacklist] => Op::ListBlacklist,
        [List, Devices] => Op::ListDevices,
        [List, Wildcards] => Op::ListWildcards,
        [Reset, Maps, Stats] => Op::ResetMapsStats,
        [Reset, Map, Stats] => Op::ResetMapStats,
        [Add, Path] => Op::AddPath,
        [Del, Path] => Op::DelPath,
        [Add, Map] => Op::AddMap,
        [Del, Map] => Op::DelMap,
        [Del, Maps] => Op::DelMaps,
        [Switch, Map, Group] => Op::SwitchGroup,
        [Reconfigure] => Op::Reconfigure,
        [Reconfigure, All] => Op::ReconfigureAll,
        [Suspend, Map] => Op::Suspend,
        [Resume, Map] => Op::Resume,
        [Resize, Map] => Op::Resize,
        [Reload, Map] => Op::Reload,
        [Reset, Map] => Op::ResetMap,
        [Reinstate, Path] => Op::Reinstate,
        [Fail, Path] => Op::Fail,
        [DisableQ, Map] => Op::DisableQ,
        [RestoreQ, Map] => Op::RestoreQ,
        [DisableQ, Maps] => Op::DisableQAll,
        [RestoreQ, Maps] => Op::RestoreQAll,
        [Quit] => Op::Quit,
        [Shutdown] => Op::Shutdown,
        [GetPrStatus, Map] => Op::GetPrStatus,
        [SetPrStatus, Map] => Op::SetPrStatus,
        [UnsetPrStatus, Map] => Op::UnsetPrStatus,
        [SetPrStatus, Map, PathList] => Op::SetPrStatusList,
        [GetPrHold, Map] => Op::GetPrHold,
        [SetPrHold, Map] => Op::SetPrHold,
        [UnsetPrHold, Map] => Op::UnsetPrHold,
        [ForceQ, Daemon] => Op::ForceQDaemon,
        [RestoreQ, Daemon] => Op::RestoreQDaemon,
        [GetPrKey, Map] => Op::GetPrKey,
        [SetPrKey, Map, KeyK] => Op::SetPrKey,
        [UnsetPrKey, Map] => Op::UnsetPrKey,
        [SetMarginal, Path] => Op::SetMarginal,
        [UnsetMarginal, Path] => Op::UnsetMarginal,
        [UnsetMarginal, Map] => Op::UnsetMarginalMap,
        _ => return None,
    })
}

/// One accepted command of a version: its keywords (in help-text order)
/// and what it does.
#[derive(Debug, Clone)]
pub(crate) struct Handler {
    pub pattern: Vec<Key>,
    pub op: Op,
}

/// Reads the accepted commands from a help text: one per line, words with
/// aliases joined by `|`, `$name` after a keyword that takes a parameter.
fn handlers_from_help(version: Version) -> Vec<Handler> {
    version
        .help_body()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let pattern: Vec<Key> = line
                .split_whitespace()
                .filter(|w| !w.starts_with('$'))
                .map(|w| {
                    let name = w.split('|').next().unwrap_or(w);
                    keywords(version)
                        .iter()
                        .find(|(kw, _, _)| *kw == name)
                        .map(|&(_, code, _)| code)
                        .unwrap_or_else(|| panic!("help keyword {name:?} unknown"))
                })
                .collect();
            let op = op_for(&pattern).unwrap_or_else(|| panic!("help line {line:?} unknown"));
            Handler { pattern, op }
        })
        .collect()
}

/// The version's accepted commands, in help-text order.
pub(crate) fn handlers(version: Version) -> &'static [Handler] {
    static TABLES: [OnceLock<Vec<Handler>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let i = version as usize;
    TABLES[i].get_or_init(|| handlers_from_help(version))
}

/// Why a command was not understood (the `get_cmdvec` / handler lookup
/// error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// No words at all (`alloc_strvec` returned NULL): `ENOMEM`.
    NoMemory,
    /// A word is no keyword and is the last word: `ESRCH` ("not found");
    /// in 0.8 any unknown word (`EAGAIN`).
    NotFound,
    /// A word is no keyword and more follows: `ENOENT` (0.9+: plain
    /// failure).
    Unknown,
    /// A keyword lacks its parameter, or the keywords form no command:
    /// `EINVAL` ("Missing argument").
    MissingArgument,
}

/// A parsed command: what to do and the keywords with their parameters.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub op: Op,
    pub words: Vec<(Key, Option<String>)>,
}

impl Parsed {
    /// `get_keyparam`: the parameter of the first keyword with this code.
    pub fn param(&self, key: Key) -> &str {
        self.words
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, p)| p.as_deref())
            .unwrap_or("")
    }

    /// The first keyword (the permission check of 0.9+ looks at it).
    pub fn first(&self) -> Key {
        self.words[0].0
    }
}

/// For each element of the daemon's word vector (`alloc_strvec`), whether
/// it is a quote marker (`"` opening or closing a quoted word).
///
/// [`mpd_proto::quote::tokenize`] drops the markers, but the daemon counts
/// them when it decides whether an unknown word was the last one (`ESRCH`)
/// or not (`ENOENT`): `show maps "frob"` fails plainly while `show maps
/// frob` prints help. This walks the same rules only to recover the marker
/// positions; the words themselves always come from `tokenize` (a property
/// test checks both agree on the word count).
pub(crate) fn strvec_markers(command: &str) -> Vec<bool> {
    let s = command.as_bytes();
    let s = match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let at = |i: usize| -> u8 { s.get(i).copied().unwrap_or(0) };
    let sep = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') || !b.is_ascii();
    let mut out = Vec::new();
    let mut cp = 0;
    while at(cp) != 0 && sep(at(cp)) {
        cp += 1;
    }
    if matches!(at(cp), 0 | b'!' | b'#') {
        return out;
    }
    let mut in_string = false;
    loop {
        if at(cp) == b'"' && !(in_string && at(cp + 1) == b'"') {
            cp += 1;
            in_string = !in_string;
            out.push(true);
        } else if !in_string && matches!(at(cp), b'{' | b'}') {
            cp += 1;
            out.push(false);
        } else {
            loop {
                while at(cp) != 0
                    && at(cp) != b'"'
                    && (in_string || (!sep(at(cp)) && !matches!(at(cp), b'!' | b'#' | b'{' | b'}')))
                {
                    cp += 1;
                }
                if in_string && at(cp) == b'"' && at(cp + 1) == b'"' {
                    cp += 2;
                    continue;
                }
                break;
            }
            out.push(false);
        }
        while !in_string && at(cp) != 0 && sep(at(cp)) {
            cp += 1;
        }
        if at(cp) == 0 || (!in_string && matches!(at(cp), b'!' | b'#')) {
            return out;
        }
    }
}

/// Parses a command as the given release does.
pub(crate) fn parse(version: Version, command: &str) -> Result<Parsed, ParseError> {
    let tokens = mpd_proto::quote::tokenize(command);
    if tokens.is_empty() {
        return Err(ParseError::NoMemory);
    }
    let markers = strvec_markers(command);
    // Position of each word in the daemon's vector (markers included).
    let positions: Vec<usize> = markers
        .iter()
        .enumerate()
        .filter(|(_, m)| !**m)
        .map(|(i, _)| i)
        .collect();
    let last_index = markers.len().saturating_sub(1);

    let mut words: Vec<(Key, Option<String>)> = Vec::new();
    let mut want_param = false;
    for (n, token) in tokens.iter().enumerate() {
        if want_param {
            want_param = false;
            if let Some(last) = words.last_mut() {
                last.1 = Some(token.clone());
            }
            continue;
        }
        match find_key(version, token) {
            Some((code, takes)) => {
                words.push((code, None));
                want_param = takes;
            }
            None => {
                if version.is_legacy() {
                    return Err(ParseError::NotFound);
                }
                let pos = positions.get(n).copied().unwrap_or(n);
                return Err(if pos == last_index {
                    ParseError::NotFound
                } else {
                    ParseError::Unknown
                });
            }
        }
    }
    if want_param {
        return Err(ParseError::MissingArgument);
    }
    let handler = if version.is_legacy() {
        let fp = words
            .iter()
            .fold(0u64, |acc, (k, _)| acc.wrapping_add(k.legacy_code()));
        handlers(version).iter().find(|h| {
            h.pattern
                .iter()
                .fold(0u64, |acc, k| acc.wrapping_add(k.legacy_code()))
                == fp
        })
    } else if words.len() > 4 {
        None
    } else {
        handlers(version).iter().find(|h| {
            h.pattern.len() == words.len() && h.pattern.iter().zip(&words).all(|(a, b)| *a == b.0)
        })
    };
    match handler {
        Some(h) => Ok(Parsed { op: h.op, words }),
        None => Err(ParseError::MissingArgument),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::ALL_VERSIONS;

    #[test]
    fn every_help_line_is_a_command() {
        for v in ALL_VERSIONS {
            let hs = handlers(v);
            let lines = v.help_body().lines().skip(1).count();
            assert_eq!(hs.len(), lines, "{v}");
            assert_eq!(
                hs.iter().any(|h| h.op == Op::ReconfigureAll),
                !v.is_legacy(),
                "{v}"
            );
        }
    }

    #[test]
    fn abbreviations_and_ambiguity() {
        let v = Version::V0_9_4;
        assert_eq!(find_key(v, "sh"), None); // show / shutdown
        assert_eq!(find_key(v, "sho"), Some((Key::List, false)));
        assert_eq!(find_key(v, "map"), Some((Key::Map, true)));
        assert_eq!(find_key(v, "multipath"), Some((Key::Map, true)));
        assert_eq!(find_key(v, "stat"), None);
        assert_eq!(find_key(v, "SHOW"), None);
        assert_eq!(find_key(Version::V0_8_5, "all"), None);
        assert_eq!(find_key(v, "al"), Some((Key::All, false)));
    }

    #[test]
    fn recorded_parse_outcomes() {
        let v = Version::V0_9_4;
        assert_eq!(parse(v, "show paths").unwrap().op, Op::ListPaths);
        assert_eq!(parse(v, "list multipaths").unwrap().op, Op::ListMaps);
        assert_eq!(parse(v, "sh pa").unwrap_err(), ParseError::Unknown);
        assert_eq!(parse(v, "SHOW MAPS").unwrap_err(), ParseError::Unknown);
        assert_eq!(parse(v, "paths count").unwrap_err(), ParseError::NotFound);
        assert_eq!(parse(v, "frobnicate").unwrap_err(), ParseError::NotFound);
        assert_eq!(parse(v, "show").unwrap_err(), ParseError::MissingArgument);
        assert_eq!(
            parse(v, "show map").unwrap_err(),
            ParseError::MissingArgument
        );
        assert_eq!(
            parse(v, "show map mpatha json extra").unwrap_err(),
            ParseError::NotFound
        );
        assert_eq!(
            parse(v, "show maps \"frob\"").unwrap_err(),
            ParseError::Unknown
        );
        assert_eq!(parse(v, "").unwrap_err(), ParseError::NoMemory);
        assert_eq!(parse(v, "# nothing").unwrap_err(), ParseError::NoMemory);
        let p = parse(v, "switch map \"mpatha\" group 2").unwrap();
        assert_eq!(p.op, Op::SwitchGroup);
        assert_eq!(p.param(Key::Map), "mpatha");
        assert_eq!(p.param(Key::Group), "2");
        assert_eq!(parse(v, "show maps json !x").unwrap().op, Op::ListMapsJson);
        // Position matters in 0.9+, not in 0.8.
        assert!(parse(v, "json maps show").is_err());
        assert_eq!(
            parse(Version::V0_8_5, "json maps show").unwrap().op,
            Op::ListMapsJson
        );
        assert_eq!(
            parse(Version::V0_8_5, "reconfigure all").unwrap_err(),
            ParseError::NotFound
        );
        assert_eq!(parse(v, "reconfigure all").unwrap().op, Op::ReconfigureAll);
    }

    #[test]
    fn markers() {
        assert_eq!(
            strvec_markers("show map \"a b\" json"),
            [false, false, true, false, true, false]
        );
        assert_eq!(strvec_markers("a{b}"), [false, false, false, false]);
        assert!(strvec_markers("  # x").is_empty());
        assert_eq!(strvec_markers("x \""), [false, true]);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The marker scan and mpd-proto's tokenizer agree on the words.
        #[test]
        fn markers_agree_with_tokenize(s in "[a-z \"#!{}\t\u{e9}x]{0,40}") {
            let words = strvec_markers(&s).iter().filter(|m| !**m).count();
            prop_assert_eq!(words, mpd_proto::quote::tokenize(&s).len());
        }

        /// Parsing never panics, whatever the text.
        #[test]
        fn parse_total(s in any::<String>()) {
            for v in crate::version::ALL_VERSIONS {
                let _ = parse(v, &s);
            }
        }
    }
}
