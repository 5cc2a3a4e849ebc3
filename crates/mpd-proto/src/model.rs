//! Typed values the daemon reports, and their parsers.
