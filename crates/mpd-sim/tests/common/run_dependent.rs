//! THE list of what may differ between two runs of the real daemon given
//! the same commands, and how the tests deal with it. Used by the
//! differential test and the official-client test; nothing else anywhere
//! is normalized, so any other difference from a recorded reply fails.

use mpd_sim::Version;

/// When the daemon's path checker ran during the recorded session,
/// as the recorded replies show it. The simulator's background checker
/// is off in this test; a checker pass is run just before the listed
/// commands instead, so the states match the recorded timing:
///
/// - 0.8.5 shows `sda` up again at 034 (`paths 2` for `mpatha`), the
///   other releases still down there: a pass ran between 032 and 034
///   only on 0.8.5;
/// - a re-added path is `i/o pending` until its first check (recorded
///   on 0.9.4 and 0.15.1 at 057); 0.8.5 and 0.11.1 had checked it by 057.
pub fn checker_pass_before(v: Version, id: &str) -> bool {
    match v {
        Version::V0_8_5 => matches!(id, "033" | "057"),
        Version::V0_9_4 => false,
        Version::V0_11_1 => id == "057",
        Version::V0_15_1 => false,
    }
}

/// Text that differs between runs, masked on both sides:
///
/// 1. the pid in `show daemon` (`pid 217 idle`);
/// 2. the `next_check` progress column (`XXXXXXX... 6/8`): where each
///    path's check timer stands when the command arrives. Each
///    character of the bar and the `tick/interval` numbers becomes `#`
///    (same length, so column widths are still compared).
///
/// Counters (`path_faults`, `map_loads`, …) are not masked: the
/// recordings show them only where they are deterministic.
pub fn normalize(reply: &str) -> String {
    let mut out = String::with_capacity(reply.len());
    for line in reply.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("pid ") {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push_str("pid <pid>");
                out.push_str(&rest[digits..]);
                continue;
            }
        }
        out.push_str(&mask_progress(line));
    }
    out
}

/// Masks every `[X.]{10} N/M`.
fn mask_progress(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i + 10 < b.len() {
        let bar = &b[i..i + 10];
        if bar.iter().all(|c| *c == b'X' || *c == b'.') && b[i + 10] == b' ' {
            let mut j = i + 11;
            let d1 = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
            j += d1;
            if d1 > 0 && b.get(j) == Some(&b'/') {
                let d2 = b[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if d2 > 0 {
                    let end = j + 1 + d2;
                    for c in &mut out[i..end] {
                        *c = b'#';
                    }
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    String::from_utf8(out).expect("ascii masking keeps UTF-8")
}

#[test]
fn masks_only_what_it_should() {
    assert_eq!(normalize("pid 217 idle\n"), "pid <pid> idle\n");
    assert_eq!(normalize("a XXXXXXX... 6/8\n"), "a ##############\n");
    assert_eq!(normalize("XXXXXXXXXX\n"), "XXXXXXXXXX\n");
    assert_eq!(normalize("pid x\n"), "pid x\n");
}
