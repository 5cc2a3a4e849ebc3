//! The exporter's renderer on two scrapes of arbitrary listings: after the
//! first, the second's body (copied in part from the first rendering) is
//! the bytes of a full rendering, in both formats and both state-set
//! styles; no panic. The input is four texts separated by NUL bytes: the
//! map and path listings of the first scrape, then of the second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpd_exporter::metrics::{render_with, Format, Renderer, StateSets};
use mpd_exporter::{Listings, Scrape};

fn scrape(maps: &str, paths: &str) -> Scrape {
    Scrape::from_listings(Listings {
        maps: maps.to_owned(),
        paths: paths.to_owned(),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let mut next = || parts.next().unwrap_or("");
    let first = scrape(next(), next());
    let second = scrape(next(), next());
    for format in [Format::Prometheus, Format::OpenMetrics] {
        for states in [StateSets::Current, StateSets::All] {
            let mut r = Renderer::new(states);
            r.render(&first, format);
            let body = r.render(&second, format).parts().concat();
            assert_eq!(body, render_with(&second, format, states).into_bytes());
        }
    }
});
