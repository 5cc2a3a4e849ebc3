//! The frame decoder on arbitrary bytes, fed in arbitrary pieces: it never
//! panics, never uses more bytes than it is given, completes frames of
//! exactly the announced length, and errors leave it idle.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpd_proto::frame::{payload_text, Decoder, LEN_PREFIX};

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    // The first byte picks the limit and the piece size.
    let mut dec = match ctl & 3 {
        0 => Decoder::for_commands(),
        1 => Decoder::for_replies(),
        2 => Decoder::new(1),
        _ => Decoder::new(4096),
    };
    let piece = usize::from(ctl >> 2).max(1);
    for chunk in rest.chunks(piece) {
        let mut input = chunk;
        while !input.is_empty() {
            match dec.decode(input) {
                Ok((used, frame)) => {
                    assert!(used <= input.len());
                    if let Some(frame) = frame {
                        assert!(!frame.is_empty() && frame.len() <= dec.max_len());
                        assert!(dec.is_idle());
                        let _ = payload_text(frame);
                    } else {
                        assert_eq!(used, input.len(), "an unfinished frame takes all input");
                    }
                    if used == 0 {
                        break;
                    }
                    input = &input[used..];
                }
                Err(_) => {
                    assert!(dec.is_idle(), "an error resets the decoder");
                    input = &input[input.len().min(LEN_PREFIX)..];
                }
            }
        }
    }
    let _ = dec.finish();
});
