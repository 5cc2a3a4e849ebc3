//! The panic boundary: no Rust panic may unwind into C.
//!
//! Every exported function wraps its body in [`ffi_boundary!`], and that is
//! the only place a panic is caught. Its message becomes the thread's last
//! error, and, when the call was working on a client (see [`ClientCall`]),
//! that client's last error too; the function returns its type's
//! [`Fallback`] value: `MPD_PANIC` for an `mpd_result`, NULL for a
//! pointer, 0 or -1 for a number.

use std::any::Any;
use std::cell::Cell;
use std::ffi::{c_int, CString};
use std::ptr;

use crate::cstr::cstring;
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

thread_local! {
    /// The last-error slot of the client the current call works on, while
    /// a [`ClientCall`] lives; NULL otherwise.
    static CLIENT_ERROR: Cell<*mut CString> = const { Cell::new(ptr::null_mut()) };
}

/// Marks the current call as working on a client whose last error is
/// `slot`, so that a panic caught by [`ffi_boundary!`] is recorded there
/// too: the boundary catches, the client's code does not need to.
///
/// Dropped on the normal way out, the guard clears the mark. Dropped while
/// unwinding, it leaves the mark for [`caught`], which writes the message
/// into the slot and clears it.
pub(crate) struct ClientCall(());

impl ClientCall {
    /// `slot` must stay valid until the guard is dropped or, after a panic,
    /// until the enclosing `ffi_boundary!` has caught it: the C caller's
    /// client lives for the whole call (the header's rule 1 in `ffi.rs`).
    pub(crate) fn enter(slot: *mut CString) -> ClientCall {
        let _ = CLIENT_ERROR.try_with(|c| c.set(slot));
        ClientCall(())
    }
}

impl Drop for ClientCall {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = CLIENT_ERROR.try_with(|c| c.set(ptr::null_mut()));
        }
    }
}

/// Records a caught panic as the thread's last error (and the client's,
/// see [`ClientCall`]) and returns the fallback value. Called by
/// [`ffi_boundary!`].
pub(crate) fn caught<T: Fallback>(payload: Box<dyn Any + Send>) -> T {
    let message = format!("panic in libmpd: {}", panic_message(&*payload));
    // Dropping a payload can itself panic (a payload whose Drop panics);
    // never let that escape either.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload)));
    let client_error = CLIENT_ERROR
        .try_with(|c| c.replace(ptr::null_mut()))
        .unwrap_or(ptr::null_mut());
    if !client_error.is_null() {
        // SAFETY: set by `ClientCall::enter` in this call, on this thread,
        // from the client the caller passed in, which lives for the whole
        // call (rules 1 and 4 of `ffi.rs`); the unwinding has ended every
        // reference into it, so this write is the only access.
        unsafe { *client_error = cstring(message.as_str()) };
    }
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
    use crate::error::last_error;
    use std::ffi::{c_char, CStr, CString};

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
        // SAFETY: last_error returns a valid NUL-terminated string.
        let msg = unsafe { CStr::from_ptr(last_error()) };
        assert_eq!(msg.to_str().unwrap(), "panic in libmpd: boom 42");
    }

    #[test]
    fn a_panic_in_a_pointer_function_returns_null() {
        assert!(boom_ptr().is_null());
        // SAFETY: as above.
        let msg = unsafe { CStr::from_ptr(last_error()) };
        assert_eq!(msg.to_str().unwrap(), "panic in libmpd: static message");
    }

    /// A call on a client: the panic is caught once, by the boundary, and
    /// its message lands in the client's slot and the thread's last error.
    fn client_call(slot: &mut CString, panics: bool) -> mpd_result {
        ffi_boundary! {
            let _call = ClientCall::enter(slot);
            if std::hint::black_box(panics) {
                panic!("in a client call");
            }
            mpd_result::MPD_OK
        }
    }

    #[test]
    fn a_panic_in_a_client_call_is_the_clients_last_error_too() {
        let mut slot = CString::default();
        assert_eq!(client_call(&mut slot, true), mpd_result::MPD_PANIC);
        assert_eq!(slot.to_str().unwrap(), "panic in libmpd: in a client call");
        // SAFETY: last_error returns a valid NUL-terminated string.
        let msg = unsafe { CStr::from_ptr(last_error()) };
        assert_eq!(msg.to_str().unwrap(), "panic in libmpd: in a client call");

        // The mark ends with the call: a later panic elsewhere leaves the
        // client alone, and so does a call that returns normally.
        let mut slot = CString::default();
        assert_eq!(client_call(&mut slot, false), mpd_result::MPD_OK);
        assert_eq!(boom(), mpd_result::MPD_PANIC);
        assert_eq!(slot.to_str().unwrap(), "");
    }

    #[test]
    fn fallbacks() {
        assert_eq!(<i64 as Fallback>::fallback(), -1);
        assert_eq!(<c_int as Fallback>::fallback(), -1);
        assert_eq!(<usize as Fallback>::fallback(), 0);
        assert!(<*mut u8 as Fallback>::fallback().is_null());
    }
}
