# The C library, installed the way C libraries install:
#
#   make                                 build target/release/libmpd.so (cargo)
#   make install PREFIX=/usr/local       install it (default PREFIX /usr/local):
#       LIBDIR/libmpd.so.VERSION          the library, SONAME libmpd.so.MAJOR
#       LIBDIR/libmpd.so.MAJOR -> libmpd.so.VERSION
#       LIBDIR/libmpd.so -> libmpd.so.MAJOR
#       LIBDIR/pkgconfig/mpd.pc
#       INCLUDEDIR/mpd.h
#   make uninstall PREFIX=...            remove those files
#
# Variables: PREFIX, LIBDIR (default PREFIX/lib), INCLUDEDIR (default
# PREFIX/include), DESTDIR (staging root for packagers; mpd.pc still names
# PREFIX), CARGO (default cargo), MPD_LIB (install this libmpd.so instead of
# building one). The production library: without the simulator of the
# cargo feature `sim`. After installing into a system prefix, run ldconfig.
# The installing is crates/mpd-ffi/install.sh's; this file only fixes the
# interface.

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR ?=
CARGO ?= cargo
CARGO_TARGET_DIR ?= target
MPD_LIB ?= $(CARGO_TARGET_DIR)/release/libmpd.so

.PHONY: all lib install uninstall

all: lib

lib:
ifeq ($(MPD_LIB),$(CARGO_TARGET_DIR)/release/libmpd.so)
	$(CARGO) build --release --locked -p mpd-ffi
endif

install: lib
	MPD_LIB="$(abspath $(MPD_LIB))" DESTDIR="$(DESTDIR)" LIBDIR="$(LIBDIR)" \
	  INCLUDEDIR="$(INCLUDEDIR)" crates/mpd-ffi/install.sh "$(PREFIX)"

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmpd.so $(DESTDIR)$(LIBDIR)/libmpd.so.[0-9]* \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/mpd.pc $(DESTDIR)$(INCLUDEDIR)/mpd.h
