//! Parse cost of large replies, built from the shapes real daemons recorded.
//!
//! `cargo bench -p mpd-proto --bench parse`
//!
//! - `show maps json` of 1,000 maps × 4 paths: typed [`Topology`] versus
//!   `serde_json::Value` of the same bytes (goal: typed within 1.5×).
//! - raw path lists of 10,000 paths, [`Path::FORMAT`] fields.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mpd_proto::frame::payload_text;
use mpd_proto::model::{paths, topology, Path};
use std::time::Duration;

/// A `show maps json` reply with `maps` maps of `paths_per_map` paths (one
/// path group per path), each map and path object cloned from the 0.9.4
/// recording with its names changed.
pub fn maps_json(maps: usize, paths_per_map: usize) -> String {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/multipathd/0.9.4/"
    );
    let rec =
        payload_text(std::fs::read(format!("{dir}010_show_map_mpatha_json")).unwrap()).unwrap();
    // Cut the recorded single map into: map head, group head, path, tails.
    let map_start = rec.find("\"map\":").unwrap() + "\"map\":".len();
    let groups_at = rec.find("\"path_groups\": [").unwrap() + "\"path_groups\": [".len();
    let map_head = &rec[map_start..groups_at];
    let group_start = groups_at;
    let paths_at =
        rec[group_start..].find("\"paths\": [").unwrap() + group_start + "\"paths\": [".len();
    let group_head = &rec[group_start..paths_at];
    let path_end = rec[paths_at..].find('}').unwrap() + paths_at + 1;
    let path = &rec[paths_at..path_end];
    let mut out =
        String::from("{\n   \"major_version\": 0,\n   \"minor_version\": 1,\n   \"maps\": [");
    for m in 0..maps {
        if m > 0 {
            out.push(',');
        }
        out.push_str(
            &map_head
                .replace("mpatha", &format!("mpath{m}"))
                .replace("dm-0", &format!("dm-{m}")),
        );
        for p in 0..paths_per_map {
            if p > 0 {
                out.push(',');
            }
            out.push_str(&group_head.replace("\"group\" : 1", &format!("\"group\" : {}", p + 1)));
            out.push_str(&path.replace("sda", &format!("sd{m}x{p}")));
            out.push_str("]\n      }");
        }
        out.push_str("]\n   }");
    }
    out.push_str("]\n}\n");
    out
}

/// A raw path list of `n` paths in [`Path::FORMAT`], shaped like the
/// recorded `014` lines.
pub fn path_list(n: usize) -> String {
    let mut out = String::with_capacity(n * 100);
    for i in 0..n {
        out.push_str(&format!(
            "sd{i}|{}:{}|active|ready|1Linux_scsi_debug_{}|running|mpath{}|{}:0:0:{}|50|normal|tur|{}|Linux,scsi_debug,0191\n",
            8 + i / 256,
            i % 256,
            2000 + i / 4,
            i / 4,
            i % 4,
            i / 4,
            2000 + i / 4
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let json = maps_json(1000, 4);
    assert_eq!(
        topology::parse_topology_json(&json)
            .unwrap()
            .paths()
            .count(),
        4000
    );
    let mut g = c.benchmark_group("maps_json_1000x4");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("typed_topology", |b| {
        b.iter(|| topology::parse_topology_json(&json).unwrap())
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(&json).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("raw_path_list");
    for n in [100, 10_000] {
        let text = path_list(n);
        assert_eq!(paths::parse_paths(&text, &Path::FIELDS).unwrap().len(), n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| paths::parse_paths(t, &Path::FIELDS).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
