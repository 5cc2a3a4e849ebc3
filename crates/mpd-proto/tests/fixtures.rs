//! Every recorded reply of multipathd 0.8.5, 0.9.4, 0.11.1 and 0.15.1 parses to the
//! expected typed value or failure.

use std::path::PathBuf;

use mpd_proto::frame::payload_text;
use mpd_proto::model::{maps, paths, status, topology, MapField, MarginalState, PathField};
use mpd_proto::reply::{classify, FailureKind};
use mpd_proto::{Command, DaemonVersion, Reply, ReplyShape};

const VERSIONS: [&str; 4] = ["0.8.5", "0.9.4", "0.11.1", "0.15.1"];

/// The releases whose failures start with `fail\n` and say why (0.10+).
fn says_why(v: &str) -> bool {
    version(v) >= version("0.10.0")
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/multipathd")
}

/// The recorded reply text for a fixture file name prefix (e.g. "029").
fn reply(version: &str, prefix: &str) -> String {
    let d = dir().join(version);
    let mut hits: Vec<_> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(&format!("{prefix}_"))
                || p.file_name().unwrap() == prefix
        })
        .collect();
    assert_eq!(hits.len(), 1, "{version}/{prefix}: {hits:?}");
    payload_text(std::fs::read(hits.pop().unwrap()).unwrap()).unwrap()
}

fn data(version: &str, prefix: &str) -> String {
    match classify(&reply(version, prefix), ReplyShape::Data) {
        Reply::Data(d) => d,
        other => panic!("{version}/{prefix}: expected data, got {other:?}"),
    }
}

fn failure(version: &str, prefix: &str, shape: ReplyShape) -> mpd_proto::Failure {
    match classify(&reply(version, prefix), shape) {
        Reply::Failure(f) => f,
        other => panic!("{version}/{prefix}: expected failure, got {other:?}"),
    }
}

fn version(v: &str) -> DaemonVersion {
    v.parse().unwrap()
}

#[test]
fn every_fixture_is_a_valid_frame_payload() {
    let mut n = 0;
    for v in VERSIONS {
        for e in std::fs::read_dir(dir().join(v)).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            if bytes.starts_with(b"<<transport error") {
                continue;
            }
            payload_text(bytes).unwrap();
            n += 1;
        }
    }
    // 87 commands (084 is a transport error) and 14 of 0.13+ per release.
    assert_eq!(n, 4 * (86 + 14));
}

#[test]
fn actions_answer_ok() {
    let ok = [
        "029", "031", "033", "035", "036", "037", "038", "039", "041", "042", "044", "045", "046",
        "047", "048", "049", "050", "051", "054", "056", "058", "064",
    ];
    for v in VERSIONS {
        for p in ok {
            assert_eq!(
                classify(&reply(v, p), ReplyShape::Action),
                Reply::Ok,
                "{v}/{p}"
            );
        }
    }
    // 0.9+ re-create a deleted map; 0.8.5 cannot.
    for p in ["060", "062", "063", "066"] {
        for v in ["0.9.4", "0.11.1", "0.15.1"] {
            assert_eq!(
                classify(&reply(v, p), ReplyShape::Action),
                Reply::Ok,
                "{v}/{p}"
            );
        }
    }
    for p in ["060", "062", "063"] {
        assert_eq!(
            failure("0.8.5", p, ReplyShape::Action).kind,
            FailureKind::Failed
        );
    }
}

#[test]
fn failures_by_version() {
    use FailureKind::*;
    for p in ["070", "071", "072", "073", "075", "076"] {
        for v in ["0.8.5", "0.9.4"] {
            let f = failure(v, p, ReplyShape::Action);
            assert_eq!((f.kind, f.message), (Failed, None), "{v}/{p}");
        }
    }
    for v in ["0.11.1", "0.15.1"] {
        assert_eq!(failure(v, "070", ReplyShape::Action).kind, Failed);
        for p in ["071", "072", "073", "075", "076"] {
            let f = failure(v, p, ReplyShape::Action);
            assert_eq!(
                (f.kind, f.message.as_deref()),
                (DeviceNotFound, Some("device not found")),
                "{v}/{p}"
            );
        }
    }
    for v in VERSIONS {
        assert_eq!(failure(v, "074", ReplyShape::Action).kind, Blacklisted);
        for p in ["unpriv_fail", "unpriv_reconfigure"] {
            assert_eq!(
                failure(v, p, ReplyShape::Action).kind,
                PermissionDenied,
                "{v}/{p}"
            );
        }
    }
}

#[test]
fn unknown_commands_and_missing_arguments_carry_the_version() {
    use FailureKind::*;
    for v in VERSIONS {
        let f = failure(v, "067", ReplyShape::Data);
        assert_eq!(f.kind, UnknownCommand);
        assert_eq!(f.version(), Some(version(v)));
        assert!(f.help().unwrap().contains(" fail path $path\n"));
        let expected_msg = (v != "0.8.5").then_some("frobnicate: not found");
        assert_eq!(f.message.as_deref(), expected_msg, "{v}");

        for (p, msg) in [
            ("068", "show: Missing argument"),
            ("069", "show map: Missing argument"),
            ("079", "show paths format: Missing argument"),
        ] {
            let f = failure(v, p, ReplyShape::Data);
            assert_eq!(
                (f.kind, f.message.as_deref(), f.version()),
                (MissingArgument, Some(msg), Some(version(v))),
                "{v}/{p}"
            );
        }
        let f = failure(v, "078", ReplyShape::Data);
        assert_eq!((f.kind, f.version()), (UnknownCommand, Some(version(v))));
        // "paths count" is not a command in any version.
        assert_eq!(failure(v, "024", ReplyShape::Data).kind, UnknownCommand);
    }
    // "reconfigure all" is unknown to 0.8.5.
    let f = failure("0.8.5", "066", ReplyShape::Action);
    assert_eq!(
        (f.kind, f.version()),
        (UnknownCommand, Some(version("0.8.5")))
    );
    // Ambiguous abbreviation and wrong case: help on 0.8.5, plain fail later.
    for p in ["028", "081"] {
        assert_eq!(failure("0.8.5", p, ReplyShape::Data).kind, UnknownCommand);
        assert_eq!(failure("0.9.4", p, ReplyShape::Data).kind, Failed);
        assert_eq!(failure("0.11.1", p, ReplyShape::Data).kind, Failed);
        assert_eq!(failure("0.15.1", p, ReplyShape::Data).kind, Failed);
    }
}

#[test]
fn path_lists() {
    for v in VERSIONS {
        let names: Vec<String> = data(v, "002").lines().map(str::to_owned).collect();
        assert_eq!(names, ["sda", "sdb", "sdc", "sdd"]);

        let fields = [
            PathField::Device,
            PathField::DevT,
            PathField::DmState,
            PathField::CheckerState,
            PathField::Uuid,
            PathField::DevState,
            PathField::Map,
            PathField::Hcil,
            PathField::Priority,
            PathField::VendProdRev,
            PathField::Serial,
        ];
        assert_eq!(
            paths::format_for(&fields),
            "%d|%D|%t|%T|%w|%o|%m|%i|%p|%s|%z"
        );
        let ps = paths::parse_paths(&data(v, "014"), &fields).unwrap();
        assert_eq!(ps.len(), 4);
        let expect = [
            (
                "sda",
                0,
                "1Linux_scsi_debug_2000",
                "mpatha",
                "0:0:0:0",
                50,
                "2000",
            ),
            (
                "sdb",
                16,
                "1Linux_scsi_debug_2001",
                "mpathb",
                "0:0:0:1",
                50,
                "2001",
            ),
            (
                "sdc",
                32,
                "1Linux_scsi_debug_2000",
                "mpatha",
                "1:0:0:0",
                10,
                "2000",
            ),
            (
                "sdd",
                48,
                "1Linux_scsi_debug_2001",
                "mpathb",
                "1:0:0:1",
                10,
                "2001",
            ),
        ];
        for (p, (dev, minor, wwid, map, hcil, prio, serial)) in ps.iter().zip(expect) {
            assert_eq!(p.device, dev);
            assert_eq!((p.major, p.minor), (8, minor));
            assert_eq!(p.uuid.as_deref(), Some(wwid));
            assert_eq!(p.map.as_deref(), Some(map));
            assert_eq!(p.hcil.as_deref(), Some(hcil));
            assert_eq!(p.priority, Some(prio));
            assert_eq!(p.serial.as_deref(), Some(serial));
            assert_eq!(p.dev_state.as_ref().map(|s| s.as_str()), Some("running"));
            assert_eq!(p.dm_state.as_ref().map(|s| s.as_str()), Some("active"));
            assert_eq!(p.checker_state.as_ref().map(|s| s.as_str()), Some("ready"));
            assert_eq!(
                (p.vendor.as_deref(), p.product.as_deref()),
                (Some("Linux"), Some("scsi_debug"))
            );
            // 0.11 adds the revision to %s.
            let rev = says_why(v).then_some("0191");
            assert_eq!(p.revision.as_deref(), rev, "{v}");
        }
    }
}

#[test]
fn padded_path_tables() {
    for v in VERSIONS {
        for p in ["003", "025", "030", "055", "057"] {
            let t = status::parse_table(&data(v, p)).unwrap();
            assert_eq!(
                t.header,
                [
                    "hcil",
                    "dev",
                    "dev_t",
                    "pri",
                    "dm_st",
                    "chk_st",
                    "dev_st",
                    "next_check"
                ],
                "{v}/{p}"
            );
            let devs: Vec<&str> = t.cells("dev").unwrap().collect();
            let expect: &[&str] = match p {
                "055" => &["sdb", "sdc", "sdd"],
                "057" => &["sdb", "sdc", "sdd", "sda"],
                _ => &["sda", "sdb", "sdc", "sdd"],
            };
            assert_eq!(devs, expect, "{v}/{p}");
        }
        // After "fail path sda", sda is failed/faulty.
        let t = status::parse_table(&data(v, "030")).unwrap();
        assert_eq!(t.rows[0][4..6], ["failed", "faulty"]);
        let t = status::parse_table(&data(v, "013")).unwrap();
        assert_eq!(t.header, ["dev", "dev_t", "dm_st", "chk_st", "uuid"]);
        assert_eq!(
            t.rows[3],
            ["sdd", "8:48", "active", "ready", "1Linux_scsi_debug_2001"]
        );
    }
    // 0.9.4 recorded the re-added path while its checker was pending.
    let t = status::parse_table(&data("0.9.4", "057")).unwrap();
    assert_eq!(t.rows[3][5], "i/o pending");
}

#[test]
fn map_lists() {
    for v in VERSIONS {
        assert_eq!(data(v, "001"), "mpatha\nmpathb\n");
        let fields = [
            MapField::Name,
            MapField::Uuid,
            MapField::Sysfs,
            MapField::Paths,
            MapField::Queueing,
            MapField::DmState,
            MapField::VendProdRev,
            MapField::Size,
        ];
        assert_eq!(maps::format_for(&fields), "%n|%w|%d|%N|%Q|%t|%s|%S");
        let ms = maps::parse_maps(&data(v, "016"), &fields).unwrap();
        assert_eq!(ms.len(), 2);
        for (m, (name, wwid, dm)) in ms.iter().zip([
            ("mpatha", "1Linux_scsi_debug_2000", "dm-0"),
            ("mpathb", "1Linux_scsi_debug_2001", "dm-1"),
        ]) {
            assert_eq!(m.name, name);
            assert_eq!(m.uuid.as_deref(), Some(wwid));
            assert_eq!(m.device.as_deref(), Some(dm));
            assert_eq!(m.active_paths, Some(2));
            assert_eq!(m.queueing, None);
            assert_eq!(m.dm_state.as_ref().map(|s| s.as_str()), Some("active"));
            assert_eq!(m.size.as_deref(), Some("16M"));
            assert_eq!(
                (m.vendor.as_deref(), m.product.as_deref()),
                (Some("Linux"), Some("scsi_debug"))
            );
        }
        for p in ["004", "026", "027", "065", "080", "082"] {
            let t = status::parse_table(&data(v, p)).unwrap();
            assert_eq!(t.header, ["name", "sysfs", "uuid"]);
            assert_eq!(
                t.cells("name").unwrap().collect::<Vec<_>>(),
                ["mpatha", "mpathb"],
                "{v}/{p}"
            );
        }
        let t = status::parse_table(&data(v, "059")).unwrap();
        assert_eq!(t.rows, [["mpathb", "dm-1", "1Linux_scsi_debug_2001"]]);
        let t = status::parse_table(&data(v, "015")).unwrap();
        assert_eq!(
            t.rows[1],
            ["mpathb", "1Linux_scsi_debug_2001", "dm-1", "2", "-"]
        );
    }
}

#[test]
fn map_status_and_stats() {
    for v in VERSIONS {
        let failback = says_why(v).then(|| "manual".to_owned());
        let s = status::parse_map_status(&data(v, "005")).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "mpatha");
        assert_eq!(s[0].failback, failback);
        assert_eq!(
            (
                s[0].queueing.as_ref().map(|q| q.to_string()).as_deref(),
                s[0].active_paths,
                s[0].dm_state.as_ref().map(|s| s.as_str()),
                s[0].write_prot.as_deref()
            ),
            (None, Some(2), Some("active"), Some("rw"))
        );
        // Suspended (034), queueing off on one map (040) and on all (043).
        let s = status::parse_map_status(&data(v, "034")).unwrap();
        assert_eq!(
            (
                s[0].dm_state.as_ref().map(|s| s.as_str()),
                s[1].dm_state.as_ref().map(|s| s.as_str())
            ),
            (Some("suspend"), Some("active"))
        );
        let s = status::parse_map_status(&data(v, "040")).unwrap();
        assert_eq!(
            (
                s[0].queueing.as_ref().map(|q| q.to_string()).as_deref(),
                s[1].queueing.as_ref().map(|q| q.to_string()).as_deref()
            ),
            (Some("off"), None)
        );
        let s = status::parse_map_status(&data(v, "043")).unwrap();
        assert!(s
            .iter()
            .all(|m| m.queueing.as_ref().map(|q| q.to_string()).as_deref() == Some("off")));

        let st = status::parse_map_stats(&data(v, "006")).unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(st[1].name, "mpathb");
        assert_eq!(
            (
                st[1].path_faults,
                st[1].switch_grp,
                st[1].map_loads,
                st[1].total_q_time,
                st[1].q_timeouts
            ),
            (Some(0), Some(0), Some(1), Some(0), Some(0))
        );
    }
    // 0.8.5 counts both paths of the suspended map; 0.9+ one (sda is still failed).
    assert_eq!(
        status::parse_map_status(&data("0.8.5", "034")).unwrap()[0].active_paths,
        Some(2)
    );
    assert_eq!(
        status::parse_map_status(&data("0.9.4", "034")).unwrap()[0].active_paths,
        Some(1)
    );
}

#[test]
fn daemon_status_and_state() {
    for v in VERSIONS {
        let s = status::parse_daemon_status(&data(v, "017")).unwrap();
        assert_eq!(s.checker_states.get("up"), Some(&4));
        assert_eq!((s.paths, s.busy), (4, false));
        let d = status::parse_daemon_state(&data(v, "018")).unwrap();
        assert_eq!(d.state, "idle");
        assert!(d.pid > 1);
        assert_eq!(data(v, "012"), "running\n");
        assert_eq!(data(v, "053"), "none\n");
        assert_eq!(data(v, "unpriv_show"), "mpatha\nmpathb\n");
    }
    assert_eq!(
        status::parse_daemon_state(&data("0.9.4", "018"))
            .unwrap()
            .pid,
        217
    );
    assert_eq!(data("0.8.5", "052"), "0");
    assert_eq!(data("0.11.1", "052"), "unset\n");
    assert_eq!(data("0.15.1", "052"), "unset\n");
}

#[test]
fn json_topology() {
    for v in VERSIONS {
        for p in ["009", "083"] {
            let t = topology::parse_topology_json(&data(v, p)).unwrap();
            assert_eq!((t.major_version, t.minor_version), (Some(0), Some(1)));
            assert_eq!(t.maps.len(), 2);
            let m = &t.maps[1];
            assert_eq!(m.name, "mpathb");
            assert_eq!(m.uuid.as_deref(), Some("1Linux_scsi_debug_2001"));
            assert_eq!(m.device.as_deref(), Some("dm-1"));
            assert_eq!(m.active_paths, Some(2));
            assert_eq!(m.write_prot.as_deref(), Some("rw"));
            assert_eq!(m.features.as_deref(), Some("0"));
            assert_eq!(m.hwhandler.as_deref(), Some("1 alua"));
            assert_eq!(
                (
                    m.vendor.as_deref(),
                    m.product.as_deref(),
                    m.revision.as_deref()
                ),
                (Some("Linux"), Some("scsi_debug"), Some("0191"))
            );
            assert_eq!((m.map_loads, m.path_faults), (Some(1), Some(0)));
            assert_eq!(m.failback, says_why(v).then(|| "manual".to_owned()));
            assert_eq!(m.path_groups.len(), 2);
            let g = &m.path_groups[1];
            assert_eq!(
                (
                    g.selector.as_deref(),
                    g.priority,
                    g.number,
                    g.marginal.clone()
                ),
                (
                    Some("service-time 0"),
                    Some(10),
                    Some(2),
                    Some(MarginalState::Normal)
                )
            );
            let path = &g.paths[0];
            assert_eq!(path.device, "sdd");
            assert_eq!((path.major, path.minor), (Some(8), Some(48)));
            assert_eq!(
                (
                    path.dm_state.as_ref().map(|s| s.as_str()),
                    path.dev_state.as_ref().map(|s| s.as_str()),
                    path.checker_state.as_ref().map(|s| s.as_str())
                ),
                (Some("active"), Some("running"), Some("ready"))
            );
            assert_eq!(
                (
                    path.checker.as_deref(),
                    path.priority,
                    path.host_wwnn.as_deref()
                ),
                (Some("tur"), Some(10), None)
            );
            let lun = (v != "0.8.5").then(|| "0x0001000000000000".to_owned());
            assert_eq!(path.lun_hex, lun, "{v}");
        }
        for p in ["010", "077"] {
            let m = topology::parse_map_json(&data(v, p)).unwrap();
            assert_eq!(m.name, "mpatha");
            assert_eq!(
                m.path_groups
                    .iter()
                    .map(|g| g.paths[0].device.as_str())
                    .collect::<Vec<_>>(),
                ["sda", "sdc"]
            );
        }
        // 077 was recorded after switchgroup: action empty, group 1 enabled.
        let m = topology::parse_map_json(&data(v, "077")).unwrap();
        assert_eq!(
            (
                m.action.as_deref(),
                m.path_groups[0].dm_state.as_ref().map(|s| s.as_str())
            ),
            (None, Some("enabled"))
        );
        let m = topology::parse_map_json(&data(v, "010")).unwrap();
        assert_eq!(m.action.as_deref(), Some("create"));
    }
}

#[test]
fn text_topology_agrees_with_json() {
    for v in VERSIONS {
        let json = topology::parse_topology_json(&data(v, "009")).unwrap();
        for p in ["007", "008"] {
            let text = topology::parse_topology_text(&data(v, p)).unwrap();
            assert_eq!(text.maps.len(), json.maps.len());
            for (a, b) in text.maps.iter().zip(&json.maps) {
                assert_eq!(
                    (&a.name, &a.uuid, &a.device, &a.action),
                    (&b.name, &b.uuid, &b.device, &b.action)
                );
                assert_eq!(
                    (&a.features, &a.hwhandler, &a.write_prot),
                    (&b.features, &b.hwhandler, &b.write_prot)
                );
                assert_eq!(a.size.as_deref(), Some("16M"));
                assert_eq!(a.path_groups.len(), b.path_groups.len());
                for (ga, gb) in a.path_groups.iter().zip(&b.path_groups) {
                    assert_eq!(
                        (&ga.selector, ga.priority, &ga.dm_state, ga.number),
                        (&gb.selector, gb.priority, &gb.dm_state, gb.number)
                    );
                    for (pa, pb) in ga.paths.iter().zip(&gb.paths) {
                        assert_eq!(
                            (&pa.device, pa.major, pa.minor),
                            (&pb.device, pb.major, pb.minor)
                        );
                        assert_eq!(
                            (&pa.dm_state, &pa.checker_state, &pa.dev_state),
                            (&pb.dm_state, &pb.checker_state, &pb.dev_state)
                        );
                        assert!(pa.hcil.is_some());
                    }
                }
            }
        }
        let one = topology::parse_topology_text(&data(v, "011")).unwrap();
        assert_eq!(one.maps.len(), 1);
        assert_eq!(
            one.maps[0].path_groups[1].paths[0].hcil.as_deref(),
            Some("1:0:0:0")
        );
    }
}

#[test]
fn texts_that_are_only_data() {
    for v in VERSIONS {
        for p in ["019", "020", "021", "022", "023"] {
            let d = data(v, p);
            assert!(d.len() > 100, "{v}/{p}");
        }
        assert!(data(v, "021").starts_with("multipath format wildcards:\n%n  name\n"));
    }
}

#[test]
fn recorded_commands_render_from_typed_commands() {
    // The typed commands produce the recorded commands, modulo quoting.
    let list = std::fs::read_to_string(dir().join("commands.txt")).unwrap();
    let sent: std::collections::HashMap<&str, &str> =
        list.lines().filter_map(|l| l.split_once('\t')).collect();
    let cases = [
        ("029", Command::FailPath("sda".into())),
        ("031", Command::ReinstatePath("sda".into())),
        ("033", Command::SuspendMap("mpatha".into())),
        ("039", Command::DisableQueueingMap("mpatha".into())),
        ("042", Command::DisableQueueingMaps),
        ("045", Command::ForceQueueingDaemon),
        (
            "047",
            Command::SwitchGroup {
                map: "mpatha".into(),
                group: 2,
            },
        ),
        ("051", Command::UnsetMarginalMap("mpatha".into())),
        ("066", Command::ReconfigureAll),
        ("077", Command::ShowMapJson("mpatha".into())),
        ("085", Command::GetPrHold("mpatha".into())),
        ("086", Command::SetPrHold("mpatha".into())),
        ("088", Command::UnsetPrHold("mpatha".into())),
        (
            "090",
            Command::SetPrStatusPathlist {
                map: "mpatha".into(),
                paths: vec!["sda".into(), "sdc".into()],
            },
        ),
        (
            "014",
            Command::ShowPathsFormat {
                format: "%d|%D|%t|%T|%w|%o|%m|%i|%p|%s|%z".into(),
                raw: true,
            },
        ),
    ];
    for (id, cmd) in cases {
        let tokens = mpd_proto::quote::tokenize(&cmd.text().unwrap());
        assert_eq!(tokens, mpd_proto::quote::tokenize(sent[id]), "{id}");
    }
}

/// A live 0.11.1 reply with a dm-mangled phantom map (`space\x20map`) whose
/// name the daemon printed without JSON escaping: not valid JSON, but the
/// topology still parses, with the name read literally.
#[test]
fn json_topology_with_an_unescaped_mangled_name() {
    let path = dir().join("../live/0.11.1-mangled-alias-show-maps-json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    let t = mpd_proto::model::topology::parse_topology_json(&text).unwrap();
    let names: Vec<_> = t.maps.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["mpatha", "space map", "space\\x20map"]);
    assert_eq!(t.maps[1].uuid, t.maps[2].uuid);
    assert!(t.paths().count() >= 4);
}

#[test]
fn recorded_topologies_are_healthy_and_count_their_paths() {
    use mpd_proto::health::{health, HealthState};
    for v in VERSIONS {
        let t = topology::parse_topology_json(&data(v, "009")).unwrap();
        let h = health(&t);
        assert!(!h.maps.is_empty(), "{v}");
        for (m, mh) in t.maps.iter().zip(&h.maps) {
            // Every path of the recorded set-up is up: the daemon's active
            // count, the parser's total and the health all agree.
            assert_eq!(m.active_paths, Some(m.total_paths), "{v} {}", m.name);
            assert_eq!(mh.state, HealthState::Healthy, "{v} {mh:?}");
            assert_eq!(mh.up_paths, m.total_paths);
        }
        assert_eq!(h.counts[&HealthState::Healthy] as usize, t.maps.len());
        assert!(h.all_healthy());
    }
}

/// The persistent-reservation hold commands and `setprstatus … pathlist`
/// (0.13/0.13.1): typed values on 0.15.1, a typed refusal on the releases
/// that lack them.
#[test]
fn pr_hold_and_pathlist_by_version() {
    use mpd_proto::model::pr::{parse_pr_status, PrStatus};
    use FailureKind::*;
    let v = "0.15.1";
    // getprhold: unset, set after setprhold, unset again after unsetprhold.
    for (p, want) in [
        ("085", PrStatus::Unset),
        ("087", PrStatus::Set),
        ("089", PrStatus::Unset),
    ] {
        assert_eq!(parse_pr_status(&data(v, p)).unwrap(), want, "{p}");
    }
    for p in ["086", "088", "090", "092"] {
        assert_eq!(classify(&reply(v, p), ReplyShape::Action), Reply::Ok, "{p}");
    }
    // With no key registered the daemon leaves the status unset, list or not.
    for p in ["091", "093"] {
        assert_eq!(parse_pr_status(&data(v, p)).unwrap(), PrStatus::Unset);
    }
    for (p, shape) in [
        ("094", ReplyShape::Data),
        ("095", ReplyShape::Action),
        ("096", ReplyShape::Action),
    ] {
        let f = failure(v, p, shape);
        assert_eq!(
            (f.kind, f.message.as_deref()),
            (DeviceNotFound, Some("device not found")),
            "{p}"
        );
    }
    for p in ["unpriv_getprhold", "unpriv_setprhold"] {
        assert_eq!(failure(v, p, ReplyShape::Action).kind, PermissionDenied);
    }

    // 0.8.5: the help text (UnknownCommand, with the version); a non-root
    // peer is refused before the command is parsed.
    for p in ["085", "086", "088", "090", "094", "095", "096"] {
        let f = failure("0.8.5", p, ReplyShape::Action);
        assert_eq!(
            (f.kind, f.version()),
            (UnknownCommand, Some(version("0.8.5"))),
            "{p}"
        );
    }
    for p in ["unpriv_getprhold", "unpriv_setprhold"] {
        assert_eq!(
            failure("0.8.5", p, ReplyShape::Action).kind,
            PermissionDenied
        );
    }
    // 0.9.4 and 0.11.1: a bare "fail" (the unknown keyword is not the last
    // word), to root and non-root alike; the client tells it from a real
    // failure by the daemon's version (Command::since).
    for v in ["0.9.4", "0.11.1"] {
        for p in [
            "085",
            "086",
            "088",
            "090",
            "094",
            "095",
            "096",
            "unpriv_getprhold",
            "unpriv_setprhold",
        ] {
            let f = failure(v, p, ReplyShape::Action);
            assert_eq!((f.kind, f.message), (Failed, None), "{v}/{p}");
        }
        assert!(version(v) < Command::GetPrHold("m".into()).since().unwrap());
    }
    // getprstatus itself is known everywhere: 0/unset.
    for v in VERSIONS {
        assert_eq!(
            parse_pr_status(&data(v, "093")).unwrap(),
            PrStatus::Unset,
            "{v}"
        );
    }
}

#[test]
fn the_help_of_0_15_lists_the_new_commands() {
    let f = failure("0.15.1", "067", ReplyShape::Data);
    let help = f.help().unwrap();
    for line in [
        " setprstatus map|multipath $map pathlist $pathlist\n",
        " getprhold map|multipath $map\n",
        " setprhold map|multipath $map\n",
        " unsetprhold map|multipath $map\n",
    ] {
        assert!(help.contains(line), "{line}");
        assert!(!failure("0.11.1", "067", ReplyShape::Data)
            .help()
            .unwrap()
            .contains(line));
    }
}
