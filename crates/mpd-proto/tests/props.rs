//! Property tests: quoting survives the daemon's tokenizer; the decoder and
//! every parser return (never panic) on arbitrary input.

use mpd_proto::frame::{encode_frame, payload_text, Decoder, LEN_PREFIX};
use mpd_proto::model::{maps, paths, status, topology, Map, Path};
use mpd_proto::quote::{quote, tokenize};
use mpd_proto::reply::classify;
use mpd_proto::{Command, ReplyShape};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    // Any non-empty string of non-control characters, with the tokenizer's
    // special characters well represented.
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec!['"', '#', '!', '{', '}', ' ', '\'', '%', '|', '\\', 'é', '世', '\u{a0}']),
            5 => any::<char>().prop_filter("no control characters", |c| !c.is_control()),
        ],
        1..40,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn quoted_name_is_exactly_one_token(n in name()) {
        let q = quote("map name", &n).unwrap();
        prop_assert_eq!(tokenize(&format!("show map {q} json")), vec!["show".to_owned(), "map".into(), n.clone(), "json".into()]);
        // And through the typed command, when it fits.
        if let Ok(text) = Command::ShowMapJson(n.clone()).text() {
            prop_assert_eq!(&tokenize(&text)[2], &n);
        }
    }

    #[test]
    fn names_with_control_characters_are_refused(a in name(), c in prop::char::range('\0', '\u{1f}'), b in name()) {
        let n = format!("{a}{c}{b}");
        prop_assert!(quote("path name", &n).is_err());
        let mut buf = Vec::new();
        prop_assert!(Command::FailPath(n).encode(&mut buf).is_err());
        prop_assert!(buf.is_empty());
    }

    #[test]
    fn tokenizer_never_panics(s in any::<String>()) {
        let _ = tokenize(&s);
    }

    #[test]
    fn encoded_commands_fit_the_daemon_limit(n in name(), reps in 1usize..40) {
        let long = n.repeat(reps);
        let mut bytes = Vec::new();
        match Command::ReloadMap(long).encode(&mut bytes) {
            Ok(()) => prop_assert!(bytes.len() - LEN_PREFIX <= mpd_proto::MAX_COMMAND_LEN),
            Err(e) => {
                let too_long = matches!(e, mpd_proto::Error::CommandTooLong { .. });
                prop_assert!(too_long, "unexpected error {:?}", e);
            }
        }
    }

    #[test]
    fn decoder_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), cuts in prop::collection::vec(1usize..50, 0..20)) {
        let mut d = Decoder::new(1000);
        let mut rest = &bytes[..];
        let mut cuts = cuts.into_iter();
        while !rest.is_empty() {
            let n = cuts.next().unwrap_or(rest.len()).min(rest.len());
            let mut chunk = &rest[..n];
            while !chunk.is_empty() {
                match d.decode(chunk) {
                    Ok((used, frame)) => {
                        prop_assert!(used > 0 && used <= chunk.len());
                        if let Some(f) = frame { let _ = payload_text(f); }
                        chunk = &chunk[used..];
                    }
                    Err(_) => { chunk = &[]; }
                }
            }
            rest = &rest[n..];
        }
        let _ = d.finish();
    }

    #[test]
    fn frames_round_trip_in_any_chunking(texts in prop::collection::vec("[^\0]{0,300}", 1..5), cuts in prop::collection::vec(1usize..64, 1..40)) {
        let mut wire = Vec::new();
        for t in &texts { wire.extend(encode_frame(t.as_bytes())); }
        let mut d = Decoder::for_replies();
        let mut got = Vec::new();
        let mut pos = 0;
        let mut cuts = cuts.into_iter().cycle();
        while pos < wire.len() {
            let end = (pos + cuts.next().unwrap()).min(wire.len());
            let mut chunk = &wire[pos..end];
            while !chunk.is_empty() {
                let (used, frame) = d.decode(chunk).unwrap();
                if let Some(f) = frame { got.push(payload_text(f).unwrap()); }
                chunk = &chunk[used..];
            }
            pos = end;
        }
        prop_assert!(d.finish().is_ok());
        prop_assert_eq!(got, texts);
    }

    #[test]
    fn parsers_never_panic(s in any::<String>()) {
        let _ = classify(&s, ReplyShape::Action);
        let _ = classify(&s, ReplyShape::Data);
        let _ = paths::parse_paths(&s, &Path::FIELDS);
        let _ = maps::parse_maps(&s, &Map::FIELDS);
        let _ = topology::parse_topology_json(&s);
        let _ = topology::parse_topology_text(&s);
        let _ = status::parse_table(&s);
        let _ = status::parse_map_status(&s);
        let _ = status::parse_map_stats(&s);
        let _ = status::parse_daemon_status(&s);
        let _ = status::parse_daemon_state(&s);
        let _ = s.parse::<mpd_proto::DaemonVersion>();
    }

    #[test]
    fn parsers_never_panic_on_shaped_lines(lines in prop::collection::vec("[ |`:a-z0-9'=()-]{0,60}", 0..12)) {
        let s = lines.join("\n");
        let _ = paths::parse_paths(&s, &Path::FIELDS);
        let _ = maps::parse_maps(&s, &Map::FIELDS);
        let _ = topology::parse_topology_text(&s);
        let _ = status::parse_table(&s);
        let _ = status::parse_map_status(&s);
    }
}
