//! The casts between C pointers and Rust values, in one place, so each
//! exported function stays a few lines of conversion.
//!
//! The rules the header states, which every `SAFETY` comment here relies
//! on:
//!
//! 1. An object pointer passed to the library is NULL or a pointer the
//!    library returned for that type and that has not been freed; a
//!    borrowed object (e.g. from `mpd_path_list_get`) is used only while its
//!    owner lives.
//! 2. A string argument is NULL or points to a NUL-terminated string that
//!    stays valid and unchanged for the duration of the call.
//! 3. An out-pointer is NULL or points to writable storage for one pointer.
//! 4. An object is not used by two threads at the same time.
//! 5. An array argument (a pointer and a count, e.g. `paths` and
//!    `paths_count`) is NULL with a count of 0, or points to `count`
//!    elements that stay valid and unchanged for the duration of the call.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use crate::cstr::cstring;
use crate::error::Failure;
use crate::panic::Fallback;

/// An optional number as the header's `int64_t`: -1 for `None`.
pub(crate) fn opt_i64(n: Option<impl Into<i64>>) -> i64 {
    n.map_or(-1, Into::into)
}

/// A counter as `int64_t`, -1 for `None` (and, never seen in practice,
/// for a count past `INT64_MAX`).
pub(crate) fn opt_count(n: Option<u64>) -> i64 {
    n.and_then(|n| i64::try_from(n).ok()).unwrap_or(-1)
}

/// An optional flag as the header's tri-state `int`: 1, 0, or -1 for
/// unknown.
pub(crate) fn opt_flag(b: Option<bool>) -> i32 {
    b.map_or(-1, i32::from)
}

/// Calls `f` on the object behind `ptr`, or returns the fallback (NULL, 0,
/// -1) when `ptr` is NULL. For accessors.
pub(crate) fn with_ref<T, R: Fallback>(ptr: *const T, f: impl FnOnce(&T) -> R) -> R {
    // SAFETY: rule 1: `ptr` is NULL or points to a live `T` that no other
    // thread is mutating.
    match unsafe { ptr.as_ref() } {
        Some(obj) => f(obj),
        None => R::fallback(),
    }
}

/// The object behind `ptr`, or `MPD_NULL_ARGUMENT` naming `what`.
pub(crate) fn try_ref<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: rule 1: a live `T` that no other thread is mutating; the
    // reference does not outlive the call that received the pointer.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// The object behind `ptr`, mutably, or `MPD_NULL_ARGUMENT` naming `what`.
pub(crate) fn try_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: rules 1 and 4: a live `T` used by this thread only; the
    // reference does not outlive the call that received the pointer.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// A required string argument: NULL is `MPD_NULL_ARGUMENT`, bytes that are
/// not UTF-8 are `MPD_INVALID_UTF8`.
pub(crate) fn try_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Failure> {
    try_opt_str(ptr, what)?.ok_or_else(|| Failure::null(what))
}

/// An optional string argument: NULL is `None`.
pub(crate) fn try_opt_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: rule 2: a NUL-terminated string, valid and unchanged for the
    // duration of this call, which is as long as the borrow is used.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map(Some).map_err(|e| {
        Failure::new(
            crate::error::mpd_result::MPD_INVALID_UTF8,
            format!("{what} is not valid UTF-8 ({e})"),
        )
    })
}

/// The elements of an array argument (`ptr`, `count`): NULL with a count
/// of 0 is empty; NULL with a count above 0 is `MPD_NULL_ARGUMENT` naming
/// `what`.
pub(crate) fn try_slice<'a, T>(
    ptr: *const T,
    count: usize,
    what: &str,
) -> Result<&'a [T], Failure> {
    if ptr.is_null() {
        return if count == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    // `slice::from_raw_parts` allows at most isize::MAX bytes; no real
    // array is that large, so such a count is the caller's mistake.
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Failure::invalid(format!(
            "{what}: count {count} is too large"
        )));
    }
    // SAFETY: rule 5: a non-NULL array pointer points to `count`
    // initialized elements, valid and unchanged for the duration of this
    // call, which is as long as the borrow is used; `ptr` is non-NULL and,
    // coming from C as a `T *`, aligned; the size fits in isize (above).
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// An out-pointer slot. `new` sets `*out = NULL` at once (when `out` is
/// not NULL), so the caller finds NULL there after any failure.
pub(crate) struct Out<T> {
    slot: *mut *mut T,
}

impl<T> Out<T> {
    pub(crate) fn new(slot: *mut *mut T) -> Out<T> {
        if !slot.is_null() {
            // SAFETY: rule 3: a non-NULL out-pointer is writable.
            unsafe { slot.write(ptr::null_mut()) };
        }
        Out { slot }
    }

    /// `MPD_NULL_ARGUMENT` naming `what` if the out-pointer is NULL.
    pub(crate) fn check(&self, what: &str) -> Result<(), Failure> {
        if self.slot.is_null() {
            Err(Failure::null(what))
        } else {
            Ok(())
        }
    }

    /// Hands `value` to C as an owned object (freed by its `_free`).
    pub(crate) fn put(self, value: T, what: &str) -> Result<(), Failure> {
        self.check(what)?;
        // SAFETY: rule 3, checked non-NULL above.
        unsafe { self.slot.write(Box::into_raw(Box::new(value))) };
        Ok(())
    }
}

/// An out-pointer for a string the caller frees with `mpd_string_free`.
pub(crate) struct OutString {
    slot: *mut *mut c_char,
}

impl OutString {
    pub(crate) fn new(slot: *mut *mut c_char) -> OutString {
        if !slot.is_null() {
            // SAFETY: rule 3.
            unsafe { slot.write(ptr::null_mut()) };
        }
        OutString { slot }
    }

    pub(crate) fn check(&self, what: &str) -> Result<(), Failure> {
        if self.slot.is_null() {
            Err(Failure::null(what))
        } else {
            Ok(())
        }
    }

    pub(crate) fn put(self, value: String, what: &str) -> Result<(), Failure> {
        self.check(what)?;
        // SAFETY: rule 3, checked non-NULL above.
        unsafe { self.slot.write(cstring(value).into_raw()) };
        Ok(())
    }
}

/// An out-pointer to a plain struct the caller provides (e.g.
/// `mpd_daemon_version`). `new` fills it with the default value at once.
pub(crate) struct OutValue<T> {
    slot: *mut T,
}

impl<T: Default> OutValue<T> {
    pub(crate) fn new(slot: *mut T) -> OutValue<T> {
        if !slot.is_null() {
            // SAFETY: rule 3: a non-NULL out-pointer is writable.
            unsafe { slot.write(T::default()) };
        }
        OutValue { slot }
    }

    pub(crate) fn check(&self, what: &str) -> Result<(), Failure> {
        if self.slot.is_null() {
            Err(Failure::null(what))
        } else {
            Ok(())
        }
    }

    pub(crate) fn put(self, value: T, what: &str) -> Result<(), Failure> {
        self.check(what)?;
        // SAFETY: rule 3, checked non-NULL above.
        unsafe { self.slot.write(value) };
        Ok(())
    }
}

/// Takes back and drops a string handed out by [`OutString::put`]; NULL is
/// a no-op.
pub(crate) fn free_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the header's `mpd_string_free` contract: `ptr` came from
        // `CString::into_raw` in `OutString::put` and is freed only once.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

/// Takes back and drops an object handed out by [`Out::put`]; NULL is a
/// no-op.
pub(crate) fn free_box<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: rule 1, and the header's `_free` contract: `ptr` came
        // from `Box::into_raw` in `Out::put` and is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_values() {
        assert_eq!(opt_i64(None::<u32>), -1);
        assert_eq!(opt_i64(Some(7u32)), 7);
        assert_eq!(opt_count(Some(u64::MAX)), -1);
        assert_eq!(opt_flag(Some(true)), 1);
        assert_eq!(opt_flag(None), -1);
    }

    #[test]
    fn strings_are_checked() {
        assert_eq!(try_str(c"sda".as_ptr(), "path").unwrap(), "sda");
        let null = try_str(ptr::null(), "path").unwrap_err();
        assert_eq!(null.message, "path is NULL");
        let bad = [0x73u8, 0xff, 0];
        let e = try_str(bad.as_ptr().cast(), "path").unwrap_err();
        assert_eq!(e.code, crate::error::mpd_result::MPD_INVALID_UTF8);
        assert_eq!(try_opt_str(ptr::null(), "x").unwrap(), None);
    }

    #[test]
    fn arrays_are_checked() {
        let empty: &[*const c_char] = try_slice(ptr::null(), 0, "paths").unwrap();
        assert!(empty.is_empty());
        let e = try_slice::<*const c_char>(ptr::null(), 2, "paths").unwrap_err();
        assert_eq!(e.code, crate::error::mpd_result::MPD_NULL_ARGUMENT);
        assert_eq!(e.message, "paths is NULL");
        let items = [c"sda".as_ptr(), c"sdb".as_ptr()];
        assert_eq!(try_slice(items.as_ptr(), 2, "paths").unwrap(), &items);
        assert_eq!(try_slice(items.as_ptr(), 0, "paths").unwrap().len(), 0);
        let e = try_slice(items.as_ptr(), usize::MAX, "paths").unwrap_err();
        assert_eq!(e.code, crate::error::mpd_result::MPD_INVALID_ARGUMENT);
    }
}
