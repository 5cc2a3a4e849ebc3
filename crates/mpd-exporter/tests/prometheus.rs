//! The exporter in front of the simulator, checked by Prometheus' own
//! tools: `promtool check metrics` on its output for every release,
//! `promtool check rules` and `promtool test rules` on the alert rules,
//! and a real Prometheus server (Debian's package, on loopback with a
//! temporary config and data dir) that scrapes the exporter binary while a
//! path fails and comes back and while the daemon restarts.
//!
//! promtool and prometheus must be installed (`scripts/setup prometheus`,
//! which scripts/test runs): without them these tests FAIL.

mod common;

use std::time::{Duration, Instant};

use common::{get, promtool_check_metrics, sample, Prometheus};
use mpd_exporter::metrics::{render, render_with, Format, Renderer, StateSets};
use mpd_exporter::{Collector, CollectorOptions};
use mpd_sim::{Sim, Version};

fn sim(version: Version) -> mpd_sim::SimHandle {
    Sim::builder()
        .version(version)
        .maps(2)
        .paths_per_map(2)
        .immediate(true)
        .start()
        .expect("start the simulator")
}

fn collector(sim: &mpd_sim::SimHandle) -> Collector {
    Collector::new(CollectorOptions {
        address: Some(mpd_client::Address::parse(&sim.address())),
        timeout: Duration::from_secs(2),
        busy: false,
    })
}

const VERSIONS: [Version; 4] = [
    Version::V0_8_5,
    Version::V0_9_4,
    Version::V0_11_1,
    Version::V0_15_1,
];

/// The map of a path, from the simulator's state.
fn map_of(sim: &mpd_sim::SimHandle, dev: &str) -> String {
    let state = sim.state();
    state
        .maps
        .iter()
        .find(|m| m.groups.iter().any(|g| g.paths.iter().any(|p| p == dev)))
        .map(|m| m.alias.clone())
        .unwrap_or_else(|| panic!("{dev} is in no map"))
}

#[test]
fn the_metrics_of_every_release_pass_promtool_and_show_the_daemons_state() {
    for version in VERSIONS {
        let sim = sim(version);
        let mut c = collector(&sim);
        // A scrape that connects itself goes without the version.
        let first = c.scrape();
        assert!(first.up, "{version}: {:?}", first.error);
        assert_eq!(first.commands, 2, "{version}");
        assert_eq!((first.busy, first.version), (None, None));
        // Between scrapes the version is read, once per connection.
        c.prepare();
        c.prepare();

        let map = map_of(&sim, "sdc");
        assert!(sim.set_path_health("sdc", false));
        let other = if map == "mpatha" { "mpathb" } else { "mpatha" };
        assert_eq!(sim.execute(&format!("suspend map {other}")), "ok\n");

        let s = c.scrape();
        assert!(s.up);
        assert_eq!(s.commands, 2, "{version}: two commands per scrape");
        assert_eq!(s.busy, None);
        assert_eq!(s.version.unwrap().to_string(), version.to_string());

        // --busy: show status too, a third command.
        let mut busy = Collector::new(CollectorOptions {
            address: Some(mpd_client::Address::parse(&sim.address())),
            timeout: Duration::from_secs(2),
            busy: true,
        });
        let b = busy.scrape();
        assert_eq!((b.commands, b.busy), (3, Some(false)), "{version}");
        let btext = render(&b, Format::Prometheus);
        assert_eq!(sample(&btext, "multipathd_busy"), Some(0.0));

        let text = render(&s, Format::Prometheus);
        let (ok, msg) = promtool_check_metrics(&text);
        assert!(
            ok && msg.trim().is_empty(),
            "{version}: promtool: {msg}\n{text}"
        );

        assert_eq!(sample(&text, "multipathd_up"), Some(1.0));
        assert!(!text.contains("multipathd_busy"));
        assert_eq!(sample(&text, "multipathd_maps"), Some(2.0));
        assert_eq!(
            sample(
                &text,
                &format!("multipathd_version_info{{version=\"{version}\"}}")
            ),
            Some(1.0)
        );
        let m = |name: &str, extra: &str| {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{name}{{map=\"{map}\"")) && l.contains(extra))
                .unwrap_or_else(|| panic!("{version}: no {name} for {map} {extra}\n{text}"));
            line.rsplit_once(' ').unwrap().1.parse::<f64>().unwrap()
        };
        assert_eq!(m("multipathd_map_paths", ""), 2.0);
        assert_eq!(m("multipathd_map_up_paths", ""), 1.0);
        assert_eq!(m("multipathd_map_active_paths", ""), 1.0);
        assert_eq!(m("multipathd_map_health", "=\"degraded\""), 1.0);
        // Only the current state of a state set is listed by default.
        assert!(!text.contains("multipathd_map_health=\"healthy\"} 0"));
        assert!(text
            .lines()
            .filter(|l| l.contains("_state=\"") || l.contains("_health=\""))
            .all(|l| l.ends_with("} 1")));
        let counter = |name: &str| {
            sim.execute(&format!("show map {map} raw format \"%{name}\""))
                .trim()
                .parse::<f64>()
                .unwrap()
        };
        assert_eq!(m("multipathd_map_path_faults_total", ""), counter("0"));
        assert_eq!(m("multipathd_map_loads_total", ""), counter("2"));
        assert!(m("multipathd_map_loads_total", "") >= 1.0);
        assert!(text.contains(&format!("multipathd_map_dm_state{{map=\"{other}\",wwid=\"")));
        assert!(text.lines().any(|l| l
            .starts_with(&format!("multipathd_map_health{{map=\"{other}\""))
            && l.ends_with("multipathd_map_health=\"suspended\"} 1")));
        let path = |name: &str, state: &str| {
            text.lines()
                .find(|l| {
                    l.contains("path=\"sdc\"")
                        && l.starts_with(name)
                        && l.contains(&format!("{name}=\"{state}\""))
                })
                .and_then(|l| l.rsplit_once(' '))
                .map(|(_, v)| v.parse::<f64>().unwrap())
        };
        assert_eq!(path("multipathd_path_dm_state", "failed"), Some(1.0));
        assert_eq!(path("multipathd_path_dm_state", "active"), None);
        let hcil = sim
            .execute("show paths raw format \"%d %i\"")
            .lines()
            .find_map(|l| l.strip_prefix("sdc ").map(str::to_owned))
            .unwrap();
        assert!(
            text.contains(&format!("path=\"sdc\",hcil=\"{hcil}\"")),
            "{version}: no hcil {hcil}"
        );
        assert_eq!(path("multipathd_path_checker_state", "faulty"), Some(1.0));
        assert_eq!(path("multipathd_path_device_state", "running"), Some(1.0));
        assert_eq!(path("multipathd_path_marginal", "normal"), Some(1.0));

        // The same samples in OpenMetrics, with its types and # EOF.
        let om = render(&s, Format::OpenMetrics);
        assert!(om.ends_with("\n# EOF\n"));
        for t in [
            "# TYPE multipathd_version info",
            "# TYPE multipathd_map_health stateset",
            "# TYPE multipathd_map_path_faults counter",
            "# UNIT multipathd_map_queueing_time_seconds seconds",
        ] {
            assert!(om.contains(t), "{version}: no {t:?}");
        }
        let samples = |t: &str| -> Vec<String> {
            let mut v: Vec<String> = t
                .lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with("multipathd_scrape_duration"))
                .map(str::to_owned)
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            samples(&text),
            samples(&om),
            "{version}: the formats differ in samples"
        );

        // --all-states: every known state, 0 or 1; promtool agrees.
        let all = render_with(&s, Format::Prometheus, StateSets::All);
        let (ok, msg) = promtool_check_metrics(&all);
        assert!(ok && msg.trim().is_empty(), "{version}: promtool: {msg}");
        assert!(all.contains(&format!("multipathd_map_health{{map=\"{map}\",wwid=\"")));
        assert!(all
            .lines()
            .any(|l| l.contains("path=\"sdc\"")
                && l.ends_with("multipathd_path_dm_state=\"active\"} 0")));
        let samples_of = |t: &str| t.lines().filter(|l| !l.starts_with('#')).count();
        assert!(samples_of(&all) > 2 * samples_of(&text), "{version}");

        // The renderer writes the same bytes, and renders the maps and
        // paths again only when the daemon's listings changed.
        let mut r = Renderer::new(StateSets::Current);
        let again = c.scrape();
        assert!(std::sync::Arc::ptr_eq(
            again.listings.as_ref().unwrap(),
            s.listings.as_ref().unwrap()
        ));
        for (scrape, format) in [(&s, Format::Prometheus), (&again, Format::Prometheus)] {
            let body = r.render(scrape, format).parts().concat();
            assert_eq!(body, render(scrape, format).into_bytes());
        }
        assert_eq!(
            r.renders(),
            1,
            "{version}: identical listings rendered twice"
        );
        r.render(&again, Format::OpenMetrics);
        assert_eq!(r.renders(), 2);
        assert!(sim.set_path_health("sdc", true));
        let changed = c.scrape();
        let body = r.render(&changed, Format::Prometheus).parts().concat();
        assert_eq!(r.renders(), 3);
        assert_eq!(body, render(&changed, Format::Prometheus).into_bytes());
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("path=\"sdc\",hcil"));

        // What the server does: the collector hands over the listings it
        // parsed, only when they changed, and the renderer uses them.
        let mut r = Renderer::new(StateSets::Current);
        assert!(sim.set_path_health("sdc", false));
        for changed in [true, false] {
            let (body, plain, handed) = c.scrape_with(|s, parsed| {
                let body = r
                    .render_parsed(s, parsed, Format::OpenMetrics)
                    .parts()
                    .concat();
                (
                    body,
                    render(s, Format::OpenMetrics).into_bytes(),
                    parsed.is_some(),
                )
            });
            assert_eq!(handed, changed, "{version}");
            assert_eq!(body, plain, "{version}");
        }
        assert_eq!(r.renders(), 1);
    }
}

#[test]
fn a_non_root_peer_reads_everything() {
    // multipathd answers reads to any peer: the exporter needs no root.
    for version in VERSIONS {
        let sim = Sim::builder()
            .version(version)
            .privilege(mpd_sim::Privilege::NonRoot)
            .start()
            .unwrap();
        let mut c = collector(&sim);
        for _ in 0..2 {
            let s = c.scrape();
            assert!(s.up, "{version}: {:?}", s.error);
            assert_eq!(s.commands, 2);
            let l = s.listings.unwrap();
            let snap = l.snapshot().unwrap();
            assert_eq!(snap.maps.len(), 2);
            assert_eq!(snap.paths.len(), 4);
        }
        c.prepare();
        assert_eq!(c.scrape().version.unwrap().to_string(), version.to_string());
    }
}

#[test]
fn a_daemon_that_does_not_answer_gives_up_0_and_valid_metrics() {
    let mut c = Collector::new(CollectorOptions {
        address: Some(mpd_client::Address::parse(
            "@mpd-exporter-test-nobody-listens",
        )),
        timeout: Duration::from_millis(500),
        busy: false,
    });
    let s = c.scrape();
    assert!(!s.up);
    assert_eq!(s.errors_total, 1);
    let text = render(&s, Format::Prometheus);
    let (ok, msg) = promtool_check_metrics(&text);
    assert!(ok && msg.trim().is_empty(), "promtool: {msg}\n{text}");
    assert_eq!(sample(&text, "multipathd_up"), Some(0.0));
    assert_eq!(sample(&text, "multipathd_scrape_errors_total"), Some(1.0));
    assert!(!text.contains("multipathd_map_"));
    assert_eq!(c.scrape().errors_total, 2);
}

#[test]
fn the_alert_rules_pass_promtool_check_and_their_unit_tests() {
    let deploy = common::crate_dir().join("deploy");
    let promtool = common::required("promtool");
    let out = std::process::Command::new(&promtool)
        .arg("check")
        .arg("rules")
        .arg(deploy.join("alerts.yml"))
        .output()
        .unwrap();
    let msg =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "promtool check rules: {msg}");
    assert!(msg.contains("SUCCESS: 4 rules found"), "{msg}");

    // Each alert fires on the series that should raise it, and only then.
    let out = std::process::Command::new(&promtool)
        .current_dir(&deploy)
        .args(["test", "rules", "alerts_test.yml"])
        .output()
        .unwrap();
    let msg =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "promtool test rules: {msg}");
    assert!(msg.contains("SUCCESS"), "{msg}");
}

#[test]
fn prometheus_sees_a_failed_path_its_reinstatement_and_a_daemon_restart() {
    let interval = Duration::from_secs(1);
    let sim = sim(Version::V0_9_4);
    let address = sim.socket_address().clone();
    let (_exporter, addr) = common::start_exporter(&sim.address(), &[]);
    let prom = Prometheus::start(&[&addr], interval);

    let failed = "multipathd_path_dm_state{path=\"sda\",multipathd_path_dm_state=\"failed\"}";
    let active = "multipathd_path_dm_state{path=\"sda\",multipathd_path_dm_state=\"active\"}";
    prom.wait_for("multipathd_up", 1.0, Duration::from_secs(30));
    prom.wait_for(active, 1.0, Duration::from_secs(10));
    // Prometheus read every scrape (it asks for OpenMetrics first).
    for (health, error) in prom.targets() {
        assert_eq!((health.as_str(), error.as_str()), ("up", ""));
    }
    let map = map_of(&sim, "sda");

    // A path fails: Prometheus has it within two scrape intervals.
    let t0 = Instant::now();
    assert!(sim.set_path_health("sda", false));
    prom.wait_for(failed, 1.0, 2 * interval);
    let seen_failed = t0.elapsed();
    assert_eq!(
        prom.value(&format!(
            "multipathd_map_health{{map=\"{map}\",multipathd_map_health=\"degraded\"}}"
        )),
        Some(1.0)
    );
    assert_eq!(
        prom.value(&format!("multipathd_map_up_paths{{map=\"{map}\"}}")),
        Some(1.0)
    );

    // It comes back: again within two intervals.
    let t1 = Instant::now();
    assert!(sim.set_path_health("sda", true));
    prom.wait_for(active, 1.0, 2 * interval);
    let seen_back = t1.elapsed();
    prom.wait_for(
        &format!("multipathd_map_health{{map=\"{map}\",multipathd_map_health=\"healthy\"}}"),
        1.0,
        2 * interval,
    );
    eprintln!("failed path seen after {seen_failed:?}, reinstated after {seen_back:?}");

    // The daemon goes away: the exporter keeps serving, up is 0.
    sim.stop();
    prom.wait_for("multipathd_up", 0.0, 3 * interval);
    assert_eq!(prom.value("up"), Some(1.0), "the exporter itself stays up");
    let r = get(&addr, "/metrics", None);
    assert_eq!(r.status, 200);
    assert_eq!(sample(&r.body, "multipathd_up"), Some(0.0));
    assert!(sample(&r.body, "multipathd_scrape_errors_total").unwrap() >= 1.0);

    // It comes back on the same socket: up is 1 again, with its maps.
    let sim = Sim::builder()
        .version(Version::V0_9_4)
        .socket(address)
        .immediate(true)
        .start()
        .unwrap();
    prom.wait_for("multipathd_up", 1.0, 3 * interval);
    prom.wait_for("multipathd_maps", 2.0, 3 * interval);
    for (health, error) in prom.targets() {
        assert_eq!((health.as_str(), error.as_str()), ("up", ""));
    }
    drop(sim);
}
