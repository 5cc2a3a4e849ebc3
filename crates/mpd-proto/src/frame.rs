//! Length-prefixed framing, both directions.
//!
//! Every message on the multipathd socket is a native-endian `size_t`
//! holding the payload length, then the payload. The payload is text followed
//! by one NUL byte, and the length counts that NUL.
//!
//! [`encode_frame`] builds a frame; [`Decoder`] takes bytes in pieces of any
//! size and hands back complete payloads, checking the announced length
//! before it allocates anything for it.
//!
//! ```
//! use mpd_proto::frame::{encode_frame, payload_text, Decoder};
//!
//! let wire = encode_frame(b"ok\n");
//! let mut decoder = Decoder::for_replies();
//! // Feed the bytes in two pieces, as a socket might deliver them.
//! let (used, frame) = decoder.decode(&wire[..5]).unwrap();
//! assert_eq!((used, frame), (5, None));
//! let (used, frame) = decoder.decode(&wire[5..]).unwrap();
//! assert_eq!(used, wire.len() - 5);
//! assert_eq!(payload_text(frame.unwrap()).unwrap(), "ok\n");
//! ```

use crate::error::FrameError;

/// Size in bytes of the length prefix (`size_t` on this platform).
pub const LEN_PREFIX: usize = std::mem::size_of::<usize>();

/// Largest command payload the daemon accepts, counting the trailing NUL
/// (`MAX_CMD_LEN`). A longer command makes the daemon close the connection
/// without a reply.
pub const MAX_COMMAND_LEN: usize = 512;

/// Reply lengths from this value up are refused (`MAX_REPLY_LEN` of
/// libmpathcmd: 32 MiB).
pub const MAX_REPLY_LEN: usize = 32 * 1024 * 1024;

/// How much the decoder grows its buffer beyond what has arrived, at most.
const GROW_STEP: usize = 64 * 1024;

/// Builds a frame: length prefix, `text`, NUL. The length counts the NUL.
///
/// No validation happens here; [`crate::Command::encode`] checks commands
/// before they are framed.
pub fn encode_frame(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(LEN_PREFIX + text.len() + 1);
    encode_frame_into(text, &mut out);
    out
}

/// Appends a frame holding `text` to `out` (see [`encode_frame`]).
pub fn encode_frame_into(text: &[u8], out: &mut Vec<u8>) {
    let len = text.len() + 1;
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(text);
    out.push(0);
}

/// Checks a complete payload (as returned by [`Decoder::decode`]) and turns
/// it into text: it must end with exactly one NUL and hold no other NUL.
///
/// Bytes that are not UTF-8 (a vendor string in some legacy encoding, say)
/// are replaced with U+FFFD rather than failing the whole reply.
pub fn payload_text(mut payload: Vec<u8>) -> Result<String, FrameError> {
    match payload.last() {
        Some(0) => {
            payload.pop();
        }
        _ => return Err(FrameError::MissingNul),
    }
    if let Some(pos) = payload.iter().position(|&b| b == 0) {
        return Err(FrameError::InteriorNul(pos));
    }
    Ok(match String::from_utf8(payload) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Incremental frame decoder.
///
/// Feed it whatever bytes arrived with [`Decoder::decode`]; it reports how
/// many it consumed and, once a frame is complete, its payload (including the
/// trailing NUL). It refuses a length of 0 or above its limit as soon as the
/// prefix is complete, before allocating. Its buffer grows with the bytes
/// that actually arrive, never by more than 64 KiB beyond them, so a peer
/// announcing a huge reply and then stalling costs nothing.
#[derive(Debug, Clone)]
pub struct Decoder {
    max_len: usize,
    prefix: [u8; LEN_PREFIX],
    prefix_have: usize,
    want: usize,
    payload: Vec<u8>,
}

impl Decoder {
    /// A decoder that accepts payload lengths from 1 to `max_len` inclusive.
    pub fn new(max_len: usize) -> Self {
        Decoder {
            max_len,
            prefix: [0; LEN_PREFIX],
            prefix_have: 0,
            want: 0,
            payload: Vec::new(),
        }
    }

    /// A decoder for daemon replies: lengths below [`MAX_REPLY_LEN`].
    pub fn for_replies() -> Self {
        Decoder::new(MAX_REPLY_LEN - 1)
    }

    /// A decoder for commands, as the daemon reads them: lengths up to
    /// [`MAX_COMMAND_LEN`].
    pub fn for_commands() -> Self {
        Decoder::new(MAX_COMMAND_LEN)
    }

    /// The largest payload length this decoder accepts.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// True when no frame is partly received.
    pub fn is_idle(&self) -> bool {
        self.prefix_have == 0
    }

    /// The payload length announced by the current frame's prefix, once the
    /// prefix is complete.
    pub fn announced_len(&self) -> Option<usize> {
        (self.prefix_have == LEN_PREFIX).then_some(self.want)
    }

    /// Consumes bytes from `input`. Returns how many were used and, when a
    /// frame completed, its payload. Bytes after a completed frame are left
    /// unconsumed: call again with the rest.
    ///
    /// After an error the decoder is reset; the stream it was reading is out
    /// of step and should be dropped.
    pub fn decode(&mut self, input: &[u8]) -> Result<(usize, Option<Vec<u8>>), FrameError> {
        let mut used = 0;
        if self.prefix_have < LEN_PREFIX {
            let take = (LEN_PREFIX - self.prefix_have).min(input.len());
            self.prefix[self.prefix_have..self.prefix_have + take].copy_from_slice(&input[..take]);
            self.prefix_have += take;
            used += take;
            if self.prefix_have < LEN_PREFIX {
                return Ok((used, None));
            }
            let len = usize::from_ne_bytes(self.prefix);
            if len == 0 {
                self.reset();
                return Err(FrameError::ZeroLength);
            }
            if len > self.max_len {
                self.reset();
                return Err(FrameError::TooLong {
                    len: len as u64,
                    max: self.max_len,
                });
            }
            self.want = len;
            self.payload = Vec::new();
        }
        let rest = &input[used..];
        let take = (self.want - self.payload.len()).min(rest.len());
        if self.payload.capacity() - self.payload.len() < take {
            let remaining = self.want - self.payload.len();
            self.payload
                .reserve_exact(remaining.min(take.max(GROW_STEP)));
        }
        self.payload.extend_from_slice(&rest[..take]);
        used += take;
        if self.payload.len() == self.want {
            let frame = std::mem::take(&mut self.payload);
            self.reset();
            Ok((used, Some(frame)))
        } else {
            Ok((used, None))
        }
    }

    /// Call when the stream ended: an error if a frame was cut short.
    pub fn finish(&self) -> Result<(), FrameError> {
        if self.prefix_have == 0 {
            return Ok(());
        }
        let expected = LEN_PREFIX
            + if self.prefix_have == LEN_PREFIX {
                self.want
            } else {
                0
            };
        Err(FrameError::Truncated {
            got: self.prefix_have + self.payload.len(),
            expected,
        })
    }

    fn reset(&mut self) {
        self.prefix_have = 0;
        self.want = 0;
        self.payload = Vec::new();
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::for_replies()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(len: usize) -> Vec<u8> {
        len.to_ne_bytes().to_vec()
    }

    #[test]
    fn encodes_length_counting_nul() {
        let f = encode_frame(b"show maps");
        assert_eq!(&f[..LEN_PREFIX], &10usize.to_ne_bytes());
        assert_eq!(&f[LEN_PREFIX..], b"show maps\0");
    }

    #[test]
    fn decodes_byte_by_byte_and_back_to_back() {
        let mut wire = encode_frame(b"ok\n");
        wire.extend(encode_frame(b"fail\n"));
        let mut d = Decoder::for_replies();
        let mut frames = Vec::new();
        for b in &wire {
            let (used, f) = d.decode(std::slice::from_ref(b)).unwrap();
            assert_eq!(used, 1);
            frames.extend(f);
        }
        assert_eq!(frames, vec![b"ok\n\0".to_vec(), b"fail\n\0".to_vec()]);
        assert!(d.is_idle());
    }

    #[test]
    fn stops_after_one_frame() {
        let mut wire = encode_frame(b"a");
        wire.extend(encode_frame(b"b"));
        let mut d = Decoder::for_replies();
        let (used, f) = d.decode(&wire).unwrap();
        assert_eq!(used, LEN_PREFIX + 2);
        assert_eq!(f.unwrap(), b"a\0");
        let (used2, f) = d.decode(&wire[used..]).unwrap();
        assert_eq!(used2, LEN_PREFIX + 2);
        assert_eq!(f.unwrap(), b"b\0");
    }

    #[test]
    fn refuses_zero_and_huge_lengths_before_allocating() {
        let mut d = Decoder::for_replies();
        assert_eq!(d.decode(&prefix(0)), Err(FrameError::ZeroLength));
        let huge = 1usize << 40;
        assert_eq!(
            d.decode(&prefix(huge)),
            Err(FrameError::TooLong {
                len: huge as u64,
                max: MAX_REPLY_LEN - 1
            })
        );
        assert_eq!(
            d.decode(&prefix(MAX_REPLY_LEN)).unwrap_err(),
            FrameError::TooLong {
                len: MAX_REPLY_LEN as u64,
                max: MAX_REPLY_LEN - 1
            }
        );
        // Just under the limit is accepted (and nothing is allocated yet).
        let (used, f) = d.decode(&prefix(MAX_REPLY_LEN - 1)).unwrap();
        assert_eq!((used, f), (LEN_PREFIX, None));
        assert_eq!(d.payload.capacity(), 0);
        assert_eq!(d.announced_len(), Some(MAX_REPLY_LEN - 1));
    }

    #[test]
    fn buffer_tracks_arrived_bytes() {
        let mut d = Decoder::for_replies();
        d.decode(&prefix(10 * 1024 * 1024)).unwrap();
        d.decode(&[b'x'; 100]).unwrap();
        assert!(d.payload.capacity() <= 100 + GROW_STEP);
        for _ in 0..100 {
            d.decode(&[b'y'; 1000]).unwrap();
        }
        assert!(d.payload.capacity() <= d.payload.len() + GROW_STEP);
    }

    #[test]
    fn command_limit_is_inclusive() {
        let mut d = Decoder::for_commands();
        let text = vec![b'x'; MAX_COMMAND_LEN - 1];
        let (_, f) = d.decode(&encode_frame(&text)).unwrap();
        assert_eq!(f.unwrap().len(), MAX_COMMAND_LEN);
        let text = vec![b'x'; MAX_COMMAND_LEN];
        assert!(matches!(
            d.decode(&encode_frame(&text)),
            Err(FrameError::TooLong { len: 513, max: 512 })
        ));
    }

    #[test]
    fn finish_reports_truncation() {
        let mut d = Decoder::for_replies();
        assert!(d.finish().is_ok());
        d.decode(&prefix(5)[..3]).unwrap();
        assert_eq!(
            d.finish(),
            Err(FrameError::Truncated {
                got: 3,
                expected: LEN_PREFIX
            })
        );
        d.decode(&prefix(5)[3..]).unwrap();
        d.decode(b"ab").unwrap();
        assert_eq!(
            d.finish(),
            Err(FrameError::Truncated {
                got: LEN_PREFIX + 2,
                expected: LEN_PREFIX + 5
            })
        );
    }

    #[test]
    fn payload_text_checks_nuls() {
        assert_eq!(payload_text(b"ok\n\0".to_vec()).unwrap(), "ok\n");
        assert_eq!(payload_text(b"ok".to_vec()), Err(FrameError::MissingNul));
        assert_eq!(payload_text(Vec::new()), Err(FrameError::MissingNul));
        assert_eq!(
            payload_text(b"o\0k\0".to_vec()),
            Err(FrameError::InteriorNul(1))
        );
        assert_eq!(payload_text(b"\xffab\0".to_vec()).unwrap(), "\u{fffd}ab");
    }
}
