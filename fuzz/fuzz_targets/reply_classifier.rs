//! The reply classifier and the help-text readers on arbitrary text: no
//! panic, and a failure keeps the whole reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpd_proto::reply::{classify, listing, version_from_help};
use mpd_proto::{Reply, ReplyShape};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for shape in [ReplyShape::Action, ReplyShape::Data] {
        match classify(text, shape) {
            Reply::Failure(f) => {
                assert_eq!(f.text, text);
                let _ = f.version();
                let _ = f.help();
            }
            Reply::Ok | Reply::Data(_) => {}
        }
    }
    let l = listing(text);
    assert!(l.len() <= text.len());
    let _ = version_from_help(text);
});
