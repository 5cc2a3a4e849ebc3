//! Every parser of mpd-proto: the first byte picks one, the rest is the
//! reply text. Each operation of `mpd_proto::ops` that returns data is
//! parsed through its `Operation::parse` (as the client does), and the
//! model parsers directly. None may panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpd_proto::model::{self, maps, paths, pr, status, topology, Map, Path};
use mpd_proto::ops::{self, Answer, Operation};

fn op<O: Operation>(o: O, text: &str) {
    let _ = o.parse(Answer::Data(text));
    let _ = o.parse(Answer::Ok);
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let m = || "mpatha".to_owned();
    match which % 26 {
        0 => op(ops::ListPaths {}, text),
        1 => op(ops::ListMaps {}, text),
        2 => op(ops::GetTopology {}, text),
        3 => op(ops::GetMapTopology { map: m() }, text),
        4 => op(ops::GetTopologyText {}, text),
        5 => op(ops::GetStatus {}, text),
        6 => op(ops::GetDaemonState {}, text),
        7 => op(ops::GetMapStatus {}, text),
        8 => op(ops::GetMapStats {}, text),
        9 => op(ops::GetPathState { path: "sda".into() }, text),
        10 => op(ops::GetPrStatus { map: m() }, text),
        11 => op(ops::GetPrKey { map: m() }, text),
        12 => op(ops::Reconfigure {}, text),
        13 => {
            let _ = paths::parse_paths(text, &Path::FIELDS);
        }
        14 => {
            let _ = maps::parse_maps(text, &Map::FIELDS);
        }
        15 => {
            let _ = topology::parse_topology_json(text);
        }
        16 => {
            let _ = topology::parse_map_json(text);
        }
        17 => {
            let _ = topology::parse_topology_text(text);
        }
        18 => {
            let _ = status::parse_table(text);
            let _ = status::parse_map_status(text);
            let _ = status::parse_map_stats(text);
        }
        19 => {
            let _ = status::parse_daemon_status(text);
            let _ = status::parse_daemon_state(text);
        }
        20 => {
            let _ = pr::parse_pr_status(text);
            let _ = pr::parse_pr_key(text);
        }
        21 => {
            for word in text.split_whitespace() {
                let _ = model::CheckerState::parse(word);
                let _ = model::PathDmState::parse(word);
                let _ = model::MapDmState::parse(word);
                let _ = model::Queueing::parse(word);
            }
        }
        22 => {
            let _ = mpd_proto::quote::tokenize(text);
        }
        23 => op(ops::GetPrHold { map: m() }, text),
        24 => {
            // The exporter's two listings: split the text in two at the
            // first NUL (none: all maps), and judge what parses.
            let (maps, paths) = text.split_once('\0').unwrap_or((text, ""));
            if let Ok(s) = model::snapshot::Snapshot::parse(maps, paths) {
                let _ = s.health();
            }
        }
        _ => {
            let _ = text.parse::<mpd_proto::DaemonVersion>();
        }
    }
});
