//! Quoting for the daemon's tokenizer, and a model of that tokenizer.
//!
//! multipathd splits a command into tokens with its configuration-file
//! parser: ASCII whitespace separates tokens, bytes ≥ 0x80 do too outside
//! quotes, `"` opens and closes a quoted token in which `""` stands for one
//! `"`, `!` and `#` start a comment outside quotes, and `{` / `}` are tokens
//! of their own. Keywords may be abbreviated. So any user text placed into a
//! command must be quoted, or a map called `mpatha json` or `x # y` would
//! change what the daemon does.
//!
//! [`quote`] is the only way this crate puts an argument into a command.
//! [`tokenize`] models the daemon's tokenizer; it backs the property tests
//! and the simulated daemon.
//!
//! ```
//! use mpd_proto::quote::{quote, tokenize};
//!
//! let q = quote("map name", r#"odd "name" # here"#).unwrap();
//! assert_eq!(q, r#""odd ""name"" # here""#);
//! assert_eq!(tokenize(&format!("show map {q} json")),
//!            vec!["show", "map", r#"odd "name" # here"#, "json"]);
//! ```

use crate::error::Error;

/// Quotes `value` so the daemon reads it back as exactly one token equal to
/// `value`: wraps it in `"` and doubles every `"` inside.
///
/// Refused with [`Error::InvalidArgument`] (naming `what`): the empty string
/// (the daemon would take the *next* word as the argument), and any control
/// character (NUL, newline, tab, DEL, …), which cannot survive the daemon's
/// C-string handling or line-based tokenizer. Length is checked later, on the
/// whole command.
pub fn quote(what: &'static str, value: &str) -> Result<String, Error> {
    validate(what, value)?;
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// Checks that `value` can be passed to the daemon as an argument (see
/// [`quote`]) without quoting it.
pub fn validate(what: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidArgument {
            what,
            reason: "must not be empty".into(),
        });
    }
    if let Some((i, c)) = value.char_indices().find(|(_, c)| c.is_control()) {
        return Err(Error::InvalidArgument {
            what,
            reason: format!("control character {c:?} at byte {i} cannot be sent to the daemon"),
        });
    }
    Ok(())
}

fn is_space(b: u8) -> bool {
    // C isspace() in the "C" locale.
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Splits a command into the tokens the daemon's command parser sees, quote
/// markers removed (as `get_cmdvec` skips them).
///
/// A model of `alloc_strvec` in multipath-tools: whitespace and bytes ≥ 0x80
/// separate tokens outside quotes; `"` toggles quoting, `""` inside quotes is
/// a literal `"`; `!`/`#` outside quotes end the command; `{`/`}` outside
/// quotes are single-character tokens. A command that is empty or starts with
/// a comment has no tokens. Input stops at the first NUL, as in C.
pub fn tokenize(command: &str) -> Vec<String> {
    let s = command.as_bytes();
    let s = match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let at = |i: usize| -> u8 { s.get(i).copied().unwrap_or(0) };
    let separator = |b: u8| is_space(b) || !b.is_ascii();
    let mut tokens = Vec::new();
    let mut cp = 0;
    while at(cp) != 0 && separator(at(cp)) {
        cp += 1;
    }
    if at(cp) == 0 || at(cp) == b'!' || at(cp) == b'#' {
        return tokens;
    }
    let mut in_string = false;
    loop {
        let start = cp;
        if at(cp) == b'"' && !(in_string && at(cp + 1) == b'"') {
            // A quote marker: toggles quoting, yields no token.
            cp += 1;
            in_string = !in_string;
        } else if !in_string && (at(cp) == b'{' || at(cp) == b'}') {
            tokens.push((at(cp) as char).to_string());
            cp += 1;
        } else {
            let mut two_quotes = false;
            loop {
                while at(cp) != 0
                    && at(cp) != b'"'
                    && (in_string
                        || (!separator(at(cp)) && !matches!(at(cp), b'!' | b'#' | b'{' | b'}')))
                {
                    cp += 1;
                }
                if in_string && at(cp) == b'"' && at(cp + 1) == b'"' {
                    two_quotes = true;
                    cp += 2;
                    continue;
                }
                break;
            }
            let mut token = s[start..cp].to_vec();
            if two_quotes {
                let mut out = Vec::with_capacity(token.len());
                let mut i = 0;
                while i < token.len() {
                    out.push(token[i]);
                    if token[i] == b'"' && token.get(i + 1) == Some(&b'"') {
                        i += 1;
                    }
                    i += 1;
                }
                token = out;
            }
            tokens.push(String::from_utf8_lossy(&token).into_owned());
        }
        while !in_string && at(cp) != 0 && separator(at(cp)) {
            cp += 1;
        }
        if at(cp) == 0 || (!in_string && (at(cp) == b'!' || at(cp) == b'#')) {
            return tokens;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_command_shapes() {
        assert_eq!(tokenize("   show    maps   "), vec!["show", "maps"]);
        assert_eq!(tokenize("show maps # comment"), vec!["show", "maps"]);
        assert_eq!(tokenize("show maps json !x"), vec!["show", "maps", "json"]);
        assert_eq!(
            tokenize(r#"show map "a b" json"#),
            vec!["show", "map", "a b", "json"]
        );
        assert_eq!(
            tokenize(r#"show paths raw format "%d|%D""#),
            vec!["show", "paths", "raw", "format", "%d|%D"]
        );
        assert!(tokenize("# all comment").is_empty());
        assert!(tokenize("").is_empty());
        assert_eq!(tokenize("a{b}c"), vec!["a", "{", "b", "}", "c"]);
        assert_eq!(tokenize("a\u{e9}b"), vec!["a", "b"]);
    }

    #[test]
    fn quoting_round_trips_awkward_names() {
        for name in [
            "mpatha", "a b", "\"", "\"\"", "\"start", "end\"", "a\"\"b", "x # y", "!", "{",
            "naïve", " ", "json",
        ] {
            let q = quote("map name", name).unwrap();
            assert_eq!(
                tokenize(&format!("show map {q} json")),
                vec!["show", "map", name, "json"],
                "{name:?}"
            );
        }
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        assert!(matches!(
            quote("map name", ""),
            Err(Error::InvalidArgument {
                what: "map name",
                ..
            })
        ));
        for bad in ["a\nb", "a\0b", "tab\there", "del\u{7f}", "\r"] {
            assert!(quote("path name", bad).is_err(), "{bad:?}");
        }
    }
}
