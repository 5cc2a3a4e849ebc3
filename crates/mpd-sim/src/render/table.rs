//! Format strings (`show paths format "%d %t"`, …): expansion, column
//! widths, header lines, and the `show paths` / `show maps` tables.
//!
//! The daemon's rules: text outside wildcards is copied; `%X` prints the
//! value of wildcard `X`, or nothing if `X` is no wildcard of that kind;
//! in a padded table every field is padded with spaces to its column width,
//! the widest value of that wildcard over all objects (and its header when
//! there is a header line), even the last field of the line; every line
//! ends with a newline. A `%` at the very end of a format makes 0.8 replace
//! the last character written with the newline (its `__endline`); 0.9+ read
//! past the string (undefined) — the simulator ends the line there.

use std::borrow::Cow;

use super::fields::{self, Field};
use crate::state::{SimMap, SimPath, State};
use crate::version::Version;

/// Column widths per wildcard of a table (`get_*_layout`).
pub(crate) type Widths = Vec<usize>;

/// Expands `format` for one object: `value(i)` is the value of field `i`,
/// `widths` pads (absent: no padding).
pub(crate) fn expand<'a>(
    v: Version,
    format: &str,
    fields: &[Field],
    value: &dyn Fn(usize) -> Cow<'a, str>,
    widths: Option<&[usize]>,
) -> String {
    let mut out = Vec::with_capacity(format.len() + 32);
    expand_into(&mut out, v, format, fields, value, widths);
    text(out)
}

/// Expanded bytes as a reply's text. The values are text, but 0.8's
/// end-of-line rule overwrites a last byte, which may cut a character:
/// that one becomes U+FFFD.
pub(crate) fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`expand`], appending to `out`.
pub(crate) fn expand_into<'a>(
    out: &mut Vec<u8>,
    v: Version,
    format: &str,
    fields: &[Field],
    value: &dyn Fn(usize) -> Cow<'a, str>,
    widths: Option<&[usize]>,
) {
    let fmt = format.as_bytes();
    let line_start = out.len();
    let mut i = 0;
    loop {
        let Some(rel) = fmt[i..].iter().position(|&b| b == b'%') else {
            out.extend_from_slice(&fmt[i..]);
            out.push(b'\n');
            break;
        };
        let pct = i + rel;
        out.extend_from_slice(&fmt[i..pct]);
        if pct + 1 >= fmt.len() {
            // A lone '%' at the end.
            if v.is_legacy() {
                if out.len() > line_start {
                    if let Some(last) = out.last_mut() {
                        *last = b'\n';
                    }
                }
            } else {
                out.push(b'\n');
            }
            break;
        }
        let wc = fmt[pct + 1];
        i = pct + 2;
        let Some(idx) = fields::lookup(fields, wc) else {
            continue;
        };
        let text = value(idx);
        out.extend_from_slice(text.as_bytes());
        if let Some(w) = widths.and_then(|w| w.get(idx)) {
            if text.len() < *w {
                out.resize(out.len() + (w - text.len()), b' ');
            }
        }
    }
}

/// The header line of a padded table.
pub(crate) fn header(v: Version, format: &str, fields: &[Field], widths: &[usize]) -> String {
    expand(
        v,
        format,
        fields,
        &|i| fields[i].header.into(),
        Some(widths),
    )
}

/// Column widths over `values` (one closure per object), starting from the
/// header lengths or from zero. 0.9+ cap a column at 255.
pub(crate) fn layout<T>(
    v: Version,
    fields: &[Field],
    items: &[T],
    with_header: bool,
    value: &dyn Fn(&T, u8) -> Cow<'_, str>,
) -> Widths {
    fields
        .iter()
        .map(|f| {
            let mut w = if with_header { f.header.len() } else { 0 };
            for it in items {
                let len = value(it, f.wc).len();
                let len = if v.is_legacy() { len } else { len.min(255) };
                w = w.max(len);
            }
            w
        })
        .collect()
}

/// Path column widths over the whole path vector.
pub(crate) fn path_layout(st: &State, v: Version, with_header: bool) -> Widths {
    let paths: Vec<&SimPath> = st.paths.iter().collect();
    layout(v, fields::path_fields(v), &paths, with_header, &|p, wc| {
        fields::path_value(st, v, p, wc)
    })
}

/// Map column widths over the whole map vector.
pub(crate) fn map_layout(st: &State, v: Version, with_header: bool) -> Widths {
    let maps: Vec<&SimMap> = st.maps.iter().collect();
    layout(v, fields::map_fields(v), &maps, with_header, &|m, wc| {
        fields::map_value(st, v, m, wc)
    })
}

/// One path, expanded with `format`.
pub(crate) fn path_line(
    st: &State,
    v: Version,
    p: &SimPath,
    format: &str,
    widths: Option<&[usize]>,
) -> String {
    let fs = fields::path_fields(v);
    expand(
        v,
        format,
        fs,
        &|i| fields::path_value(st, v, p, fs[i].wc),
        widths,
    )
}

/// One map, expanded with `format`.
pub(crate) fn map_line(
    st: &State,
    v: Version,
    m: &SimMap,
    format: &str,
    widths: Option<&[usize]>,
) -> String {
    let fs = fields::map_fields(v);
    expand(
        v,
        format,
        fs,
        &|i| fields::map_value(st, v, m, fs[i].wc),
        widths,
    )
}

/// `show paths` (`pretty`: header and padding) and `show paths raw format`.
/// An empty table loses its header: the reply is empty.
pub(crate) fn show_paths(st: &State, v: Version, format: &str, pretty: bool) -> String {
    // Raw listings are not padded: no column widths to compute.
    let widths = pretty.then(|| path_layout(st, v, true));
    table(
        v,
        format,
        fields::path_fields(v),
        &st.paths,
        widths,
        |p, wc| fields::path_value(st, v, p, wc),
    )
}

/// `show maps` and its variants (see [`show_paths`]).
pub(crate) fn show_maps(st: &State, v: Version, format: &str, pretty: bool) -> String {
    let widths = pretty.then(|| map_layout(st, v, true));
    table(
        v,
        format,
        fields::map_fields(v),
        &st.maps,
        widths,
        |m, wc| fields::map_value(st, v, m, wc),
    )
}

/// Every object of a listing expanded with `format`; with `widths`, a
/// padded table under a header line (none when there is no object).
fn table<'a, T>(
    v: Version,
    format: &str,
    fs: &[Field],
    items: &'a [T],
    widths: Option<Widths>,
    value: impl Fn(&'a T, u8) -> Cow<'a, str>,
) -> String {
    let mut bytes = Vec::new();
    if let Some(w) = &widths {
        bytes.extend_from_slice(header(v, format, fs, w).as_bytes());
    }
    let hdr = bytes.len();
    for it in items {
        expand_into(
            &mut bytes,
            v,
            format,
            fs,
            &|i| value(it, fs[i].wc),
            widths.as_deref(),
        );
    }
    if widths.is_some() && bytes.len() == hdr {
        bytes.clear();
    }
    text(bytes)
}

/// `show map M format F` (`padded`) and `show map M raw format F`: one
/// line, no header; 0.9+ pad both (one handler serves both commands).
pub(crate) fn show_map(st: &State, v: Version, m: &SimMap, format: &str, padded: bool) -> String {
    let widths = map_layout(st, v, true);
    map_line(st, v, m, format, padded.then_some(&widths[..]))
}

/// The default formats of the plain `show` commands.
pub(crate) const PRINT_PATH_CHECKER: &str = "%i %d %D %p %t %T %o %C";
/// `show maps status`.
pub(crate) const PRINT_MAP_STATUS: &str = "%n %F %Q %N %t %r";
/// `show maps stats`.
pub(crate) const PRINT_MAP_STATS: &str = "%n %0 %1 %2 %3 %4";
/// `show maps`.
pub(crate) const PRINT_MAP_NAMES: &str = "%n %d %w";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_rules() {
        let st = State::new(2, 2);
        let p = &st.paths[0];
        for v in crate::version::ALL_VERSIONS {
            assert_eq!(path_line(&st, v, p, "%d|%D", None), "sda|8:0\n");
            assert_eq!(path_line(&st, v, p, "[%Z%%]", None), "[]\n");
            assert_eq!(path_line(&st, v, p, "", None), "\n");
        }
        assert_eq!(path_line(&st, Version::V0_8_5, p, "%d %", None), "sda\n");
        assert_eq!(path_line(&st, Version::V0_8_5, p, "%d%", None), "sd\n");
        assert_eq!(path_line(&st, Version::V0_8_5, p, "%", None), "");
        assert_eq!(path_line(&st, Version::V0_9_4, p, "%d %", None), "sda \n");
    }
}
