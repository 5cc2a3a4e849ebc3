//! The renderer that keeps its last rendering: after every kind of change
//! the daemon can show, its body is the same bytes as a full rendering of
//! the same scrape, in both formats and both state-set styles, and it
//! copies the samples of what did not change.

use std::time::Duration;

use mpd_exporter::metrics::{render_with, Format, Renderer, StateSets};
use mpd_exporter::{Collector, CollectorOptions, Listings, Scrape};
use mpd_sim::{Sim, Version};

const STYLES: [(Format, StateSets); 4] = [
    (Format::Prometheus, StateSets::Current),
    (Format::OpenMetrics, StateSets::Current),
    (Format::Prometheus, StateSets::All),
    (Format::OpenMetrics, StateSets::All),
];

/// One renderer per style, checked against a full rendering.
struct Check {
    renderers: Vec<(Format, StateSets, Renderer)>,
}

impl Check {
    fn new() -> Check {
        Check {
            renderers: STYLES
                .iter()
                .map(|&(f, s)| (f, s, Renderer::new(s)))
                .collect(),
        }
    }

    /// Renders `s` with every renderer; returns the bytes each copied.
    fn render(&mut self, s: &Scrape, what: &str) -> Vec<u64> {
        self.renderers
            .iter_mut()
            .map(|(format, states, r)| {
                let before = r.reused_bytes();
                let body = r.render(s, *format).parts().concat();
                let full = render_with(s, *format, *states).into_bytes();
                assert!(
                    body == full,
                    "{what} ({format:?}, {states:?}): the renderer's body differs from a full rendering:\n{}\n---\n{}",
                    String::from_utf8_lossy(&body),
                    String::from_utf8_lossy(&full)
                );
                r.reused_bytes() - before
            })
            .collect()
    }
}

#[test]
fn after_every_change_the_daemon_shows_the_body_equals_a_full_rendering() {
    for version in [
        Version::V0_8_5,
        Version::V0_9_4,
        Version::V0_11_1,
        Version::V0_15_1,
    ] {
        let sim = Sim::builder()
            .version(version)
            .maps(3)
            .paths_per_map(2)
            .immediate(true)
            .start()
            .expect("start the simulator");
        let mut c = Collector::new(CollectorOptions {
            address: Some(mpd_client::Address::parse(&sim.address())),
            timeout: Duration::from_secs(2),
            busy: false,
        });
        let state = sim.state();
        let (a, b) = (state.maps[0].alias.clone(), state.maps[1].alias.clone());
        let (p0, p5) = (state.paths[0].dev.clone(), state.paths[5].dev.clone());
        let mut check = Check::new();
        let first = c.scrape();
        assert!(first.up, "{version}: {:?}", first.error);
        assert_eq!(check.render(&first, "first"), vec![0; 4], "{version}");

        // (command, whether the numbers of maps and paths stay: then the
        // renderer copies what did not change)
        let steps: Vec<(String, bool)> = vec![
            (format!("fail path {p0}"), true),
            (format!("reinstate path {p0}"), true),
            (format!("suspend map {a}"), true),
            (format!("resume map {a}"), true),
            (format!("disablequeueing map {b}"), true),
            (format!("restorequeueing map {b}"), true),
            (format!("del path {p5}"), false),
            (format!("add path {p5}"), false),
            (format!("fail path {p5}"), true),
            (format!("del map {b}"), false),
            // 0.8 adds only maps device-mapper still has: it rediscovers.
            if version == Version::V0_8_5 {
                ("reconfigure".to_owned(), false)
            } else {
                (format!("add map {b}"), false)
            },
            (format!("fail path {p0}"), true),
        ];
        for (command, same_shape) in steps {
            let reply = sim.execute(&command);
            assert_eq!(reply, "ok\n", "{version}: {command}");
            let s = c.scrape();
            assert!(s.up, "{version} {command}: {:?}", s.error);
            let copied = check.render(&s, &format!("{version}: {command}"));

            for (bytes, (format, states)) in copied.iter().zip(STYLES) {
                if same_shape {
                    assert!(
                        *bytes > 0,
                        "{version}: {command} ({format:?}, {states:?}): nothing copied"
                    );
                } else {
                    assert_eq!(*bytes, 0, "{version}: {command} ({format:?}, {states:?})");
                }
            }
        }
        // The same listings again: not rendered again.
        let renders: Vec<u64> = check.renderers.iter().map(|(.., r)| r.renders()).collect();
        let s = c.scrape();
        check.render(&s, "unchanged");
        let again: Vec<u64> = check.renderers.iter().map(|(.., r)| r.renders()).collect();
        assert_eq!(renders, again, "{version}");
    }
}

/// A scrape of hand-written listings (the exporter's formats:
/// `%w|%N|%Q|%t|%f|%0|%1|%2|%3|%4|%n` and `%d|%i|%t|%T|%o|%M|%m`).
fn scrape(maps: &str, paths: &str) -> Scrape {
    Scrape::from_listings(Listings {
        maps: maps.to_owned(),
        paths: paths.to_owned(),
    })
}

#[test]
fn paths_that_move_maps_that_are_renamed_and_unknown_words() {
    let maps = "3600a|2|-|active|0|0|0|1|0|0|mpatha\n\
                3600b|2|5 chk|active|1 queue_if_no_path|3|1|2|0|0|mpathb\n\
                3600c|1|on|suspend|0|0|0|1|7|1|mpath \"c\"\n";
    let paths = "sda|0:0:0:0|active|ready|running|normal|mpatha\n\
                 sdb|0:0:0:1|active|ready|running|normal|mpatha\n\
                 sdc|1:0:0:0|failed|faulty|offline|marginal|mpathb\n\
                 sdd|1:0:0:1|active|ready|running|normal|mpathb\n\
                 sde|#:#:#:#|active|ghost|running|normal|mpath \"c\"\n\
                 sdf|2:0:0:0|undef|undef|undef|normal|[orphan]\n";
    let mut check = Check::new();
    check.render(&scrape(maps, paths), "first");

    // Each step: (what, maps, paths) with as many maps and paths as before.
    let steps = [
        (
            "sdb moves from mpatha to mpathb",
            maps.to_owned(),
            paths.replace(
                "sdb|0:0:0:1|active|ready|running|normal|mpatha",
                "sdb|0:0:0:1|active|ready|running|normal|mpathb",
            ),
        ),
        (
            // Its paths' lines stay, but they are now in no map.
            "mpathb renamed mpathz",
            maps.replace("|mpathb\n", "|mpathz\n"),
            paths.replace(
                "sdb|0:0:0:1|active|ready|running|normal|mpatha",
                "sdb|0:0:0:1|active|ready|running|normal|mpathb",
            ),
        ),
        (
            "words this exporter does not know",
            maps.replace("|active|0|0|0|1|0|0|mpatha", "|frozen|0|0|0|1|0|0|mpatha"),
            paths.replace("|ready|running|normal|mpatha", "|shy|resting|odd|mpatha"),
        ),
        (
            "an orphan joins a map",
            maps.to_owned(),
            paths.replace(
                "|undef|undef|undef|normal|[orphan]",
                "|active|ready|running|normal|mpatha",
            ),
        ),
        ("back to the start", maps.to_owned(), paths.to_owned()),
    ];
    for (what, m, p) in steps {
        let copied = check.render(&scrape(&m, &p), what);
        assert!(copied.iter().all(|b| *b > 0), "{what}: {copied:?}");
    }
    // A listing that does not parse renders no maps and paths; the next
    // good one is rendered whole.
    check.render(&scrape("bad line\n", paths), "bad");
    assert_eq!(check.render(&scrape(maps, paths), "after bad"), vec![0; 4]);
}
