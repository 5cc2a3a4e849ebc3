"""The tests run against the installed wheel, not the source tree."""

from __future__ import annotations

import pathlib
import sysconfig

import multipathd
import multipathd.testing


def test_imported_from_site_packages() -> None:
    here = pathlib.Path(multipathd.__file__).resolve()
    site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    assert site in here.parents, here
    assert here.parent.name == "multipathd"
    assert "site-packages" in here.parts


def test_package_contents() -> None:
    pkg = pathlib.Path(multipathd.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_multipathd.pyi").is_file()
    assert list(pkg.glob("_multipathd*.so"))
    assert multipathd.__version__ == "0.1.0"
    assert multipathd.testing.Simulator.__module__ == "multipathd.testing"
    assert multipathd.Client.__module__ == "multipathd"


def test_public_names() -> None:
    for name in multipathd.__all__:
        assert hasattr(multipathd, name), name
    assert multipathd.DEFAULT_TIMEOUT == 4.0
    assert multipathd.DEFAULT_ABSTRACT_NAME == "@/org/kernel/linux/storage/multipathd"
    assert multipathd.DEFAULT_SOCKET_PATH == "/run/multipathd.socket"
    assert multipathd.SOCKET_ENV == "MULTIPATH_SOCKET_NAME"
