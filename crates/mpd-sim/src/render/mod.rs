//! Pure rendering: state in, reply text out, exactly as each release
//! prints it. Nothing here does I/O, so every reply can be tested directly
//! (see [`crate::respond`]).

pub(crate) mod fields;
pub(crate) mod json;
pub(crate) mod table;
pub(crate) mod text;
pub(crate) mod topology;
