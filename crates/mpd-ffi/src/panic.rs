//! The panic boundary: no Rust panic may unwind into C.
//!
//! Every exported function wraps its body in [`ffi_boundary!`]. A panic is
//! caught there, its message becomes the thread's last error, and the
//! function returns its type's [`Fallback`] value: `MPD_PANIC` for an
//! `mpd_result`, NULL for a pointer, 0 or -1 for a number.

use std::any::Any;
use std::ffi::c_int;
use std::ptr;

use crate::error::{self, mpd_result};

/// What a function returns when it cannot do its job: after a panic, and
/// (for accessors) when the object pointer is NULL.
pub(crate) trait Fallback {
    /// The value.
    fn fallback() -> Self;
}

impl Fallback for mpd_result {
    fn fallback() -> Self {
        mpd_result::MPD_PANIC
    }
}

impl<T> Fallback for *const T {
    fn fallback() -> Self {
        ptr::null()
    }
}

impl<T> Fallback for *mut T {
    fn fallback() -> Self {
        ptr::null_mut()
    }
}

impl Fallback for () {
    fn fallback() -> Self {}
}

impl Fallback for bool {
    fn fallback() -> Self {
        false
    }
}

impl Fallback for u32 {
    fn fallback() -> Self {
        0
    }
}

impl Fallback for u64 {
    fn fallback() -> Self {
        0
    }
}

impl Fallback for usize {
    fn fallback() -> Self {
        0
    }
}

/// Optional numbers: -1 means "unknown" (or a NULL object).
impl Fallback for i64 {
    fn fallback() -> Self {
        -1
    }
}

/// Tri-state flags (1 yes, 0 no): -1 means "unknown" (or a NULL object).
impl Fallback for c_int {
    fn fallback() -> Self {
        -1
    }
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a
/// `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

/// Records a caught panic as the thread's last error and returns the
/// fallback value. Called by [`ffi_boundary!`].
pub(crate) fn caught<T: Fallback>(payload: Box<dyn Any + Send>) -> T {
    let message = format!("panic in libmpd: {}", panic_message(&*payload));
    // Dropping a payload can itself panic (a payload whose Drop panics);
    // never let that escape either.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload)));
    error::set_last_error(&message);
    T::fallback()
}

/// Runs the body, catching any panic (see the module doc). The body is an
/// expression of the function's return type.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(payload) => $crate::panic::caught(payload),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::mpd_last_error;
    use std::ffi::{c_char, CStr};

    fn boom() -> mpd_result {
        ffi_boundary! {
            if std::hint::black_box(true) {
                panic!("boom {}", 42);
            }
            mpd_result::MPD_OK
        }
    }

    fn boom_ptr() -> *const c_char {
        ffi_boundary! { panic!("static message") }
    }

    #[test]
    fn a_panic_becomes_mpd_panic_and_the_last_error() {
        assert_eq!(boom(), mpd_result::MPD_PANIC);
        // SAFETY: mpd_last_error returns a valid NUL-terminated string.
        let msg = unsafe { CStr::from_ptr(mpd_last_error()) };
        assert_eq!(msg.to_str().unwrap(), "panic in libmpd: boom 42");
    }

    #[test]
    fn a_panic_in_a_pointer_function_returns_null() {
        assert!(boom_ptr().is_null());
        // SAFETY: as above.
        let msg = unsafe { CStr::from_ptr(mpd_last_error()) };
        assert_eq!(msg.to_str().unwrap(), "panic in libmpd: static message");
    }

    #[test]
    fn fallbacks() {
        assert_eq!(<i64 as Fallback>::fallback(), -1);
        assert_eq!(<c_int as Fallback>::fallback(), -1);
        assert_eq!(<usize as Fallback>::fallback(), 0);
        assert!(<*mut u8 as Fallback>::fallback().is_null());
    }
}
