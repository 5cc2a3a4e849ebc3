//! The simulator's command parser and executor on arbitrary command text,
//! for each simulated release: no panic, and every reply is text the
//! client's classifier accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpd_sim::{State, Version};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let version = match which % 3 {
        0 => Version::V0_8_5,
        1 => Version::V0_9_4,
        _ => Version::V0_11_1,
    };
    let mut state = State::new(2, 2);
    // A command, then another on the state it left (several per input).
    for line in text.split('\n').take(8) {
        let reply = mpd_sim::respond(version, &mut state, line);
        let _ = mpd_proto::reply::classify(&reply, mpd_proto::ReplyShape::Data);
    }
});
