//! The exit codes: one per error kind, from a `PerKind` table (a kind
//! added to mpd-client does not compile here until it has a code).

use mpd_client::{ErrorKind, PerKind};

/// Success.
pub const OK: u8 = 0;
/// A usage error: an unknown subcommand or option, a missing or malformed
/// argument (clap's own code).
pub const USAGE: u8 = 2;

/// The exit code of each error kind.
pub const CODES: PerKind<u8> = PerKind {
    command_failed: 1,
    invalid_argument: 3,
    permission_denied: 4,
    not_found: 5,
    map_in_use: 6,
    daemon_timeout: 7,
    connect: 8,
    timeout: 9,
    connection_closed: 10,
    protocol: 11,
    unknown_command: 12,
    blacklisted: 13,
    io: 14,
    wait_timeout: 15,
    untrusted_peer: 16,
};

/// The exit code of an error kind.
pub fn code(kind: ErrorKind) -> u8 {
    *kind.pick(&CODES)
}

/// What each code means, in words (the man page's and `--help`'s table);
/// a `PerKind` too, so a new kind needs its words as well as its code.
const MEANINGS: PerKind<&'static str> = PerKind {
    command_failed: "the daemon answered \"fail\" (before 0.10: also not found)",
    invalid_argument: "an argument refused before anything was sent",
    permission_denied: "permission denied (not root: only show/list)",
    not_found: "no such map or path (0.10+)",
    map_in_use: "the map is in use (open, mounted)",
    daemon_timeout: "the daemon answered \"timeout\" (did not run it)",
    connect: "connection failed (no daemon on the socket)",
    timeout: "no reply within --timeout (it may have run)",
    connection_closed: "the daemon closed the connection",
    protocol: "a reply that is invalid or does not parse",
    unknown_command: "the daemon does not know the command",
    blacklisted: "the device is blacklisted or unknown",
    io: "another I/O error (socket, or writing stdout)",
    wait_timeout: "a wait or safe removal ran out of time",
    untrusted_peer: "the socket's owner is not root (or you): nothing sent",
};

fn meaning(kind: ErrorKind) -> &'static str {
    let meaning: &&'static str = kind.pick(&MEANINGS);
    meaning
}

/// Every code with its kind and meaning, in code order: `(code, kind name,
/// meaning)`, success and usage included.
pub fn table() -> Vec<(u8, &'static str, &'static str)> {
    let mut rows = vec![
        (OK, "-", "success"),
        (USAGE, "usage", "bad command line (clap's usage error)"),
    ];
    for kind in ErrorKind::ALL {
        rows.push((code(kind), kind.name(), meaning(kind)));
    }
    rows.sort_by_key(|r| r.0);
    rows
}

/// The table as `--help` and the man page show it.
pub fn help_table() -> String {
    let mut s = String::from("Exit status:\n");
    for (code, name, meaning) in table() {
        s.push_str(&format!("  {code:>3}  {name:<18} {meaning}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_not_reserved() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, name, _) in table() {
            assert!(seen.insert(code), "{code} twice ({name})");
            assert!(code < 64, "{name}: {code}");
        }
        assert_eq!(seen.len(), ErrorKind::ALL.len() + 2);
    }
}
