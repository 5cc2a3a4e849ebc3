//! C strings made from Rust text: the leaf of the crate's modules (it
//! uses none of them), so that `error`, `ffi` and the objects can all
//! build the strings they hand to C.

use std::ffi::{c_char, CString};
use std::ptr;

/// A C string from Rust text, cut at the first NUL if there is one (the
/// daemon's replies never hold one; a C string cannot).
pub(crate) fn cstring(s: impl Into<Vec<u8>>) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let end = e.nul_position();
        let mut bytes = e.into_vec();
        bytes.truncate(end);
        CString::new(bytes).unwrap_or_default()
    })
}

/// [`cstring`] for an optional value.
pub(crate) fn opt_cstring(s: Option<String>) -> Option<CString> {
    s.map(cstring)
}

/// The pointer to an optional C string, NULL for `None`.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cstring_cuts_at_nul() {
        assert_eq!(cstring("ab\0cd").as_bytes(), b"ab");
        assert_eq!(cstring("plain").as_bytes(), b"plain");
    }

    #[test]
    fn optional_strings() {
        assert!(opt_ptr(&None).is_null());
        let s = opt_cstring(Some("x".to_owned()));
        assert_eq!(s.as_deref().map(|s| s.to_bytes()), Some(&b"x"[..]));
        assert!(!opt_ptr(&s).is_null());
        assert_eq!(opt_cstring(None), None);
    }
}
