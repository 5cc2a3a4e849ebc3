"""Every exception class, each raised by a real cause."""

from __future__ import annotations

import errno
import math
import pickle
import time
import uuid
from typing import Any, Callable, Dict, List, Type

import pytest

import multipathd
from multipathd import Client, _errors, _multipathd
from multipathd.testing import Simulator

VERSIONS = ["0.8.5", "0.9.4", "0.11.1"]


@pytest.mark.parametrize(
    "cls, builtins",
    [
        (multipathd.InvalidArgument, [ValueError]),
        (multipathd.ConnectionFailed, [ConnectionError, OSError]),
        (multipathd.Timeout, [TimeoutError, OSError]),
        (multipathd.DaemonTimeout, [multipathd.Timeout, TimeoutError]),
        (multipathd.WaitTimeout, [multipathd.Timeout, TimeoutError]),
        (multipathd.ConnectionClosed, [ConnectionError, OSError]),
        (multipathd.ProtocolError, []),
        (multipathd.PermissionDenied, [PermissionError, OSError]),
        (multipathd.CommandFailed, []),
        (multipathd.NotFound, [multipathd.CommandFailed]),
        (multipathd.UnknownCommand, []),
        (multipathd.Blacklisted, []),
        (multipathd.MapInUse, []),
        (multipathd.IoError, [OSError]),
        (multipathd.UntrustedPeer, [ConnectionError, OSError]),
    ],
)
def test_hierarchy(cls: Type[Exception], builtins: List[Type[Exception]]) -> None:
    assert issubclass(cls, multipathd.Error)
    assert issubclass(multipathd.Error, Exception)
    for b in builtins:
        assert issubclass(cls, b)
    assert cls.__module__ == "multipathd"
    assert cls.__doc__
    # Attributes exist (None) even on an instance made by hand.
    e = cls("x")
    assert e.command is None
    assert e.reply is None


# ----- one class per kind of failure of the Rust client -----

KIND_NAMES: List[str] = _multipathd._error_kinds()


def test_every_kind_has_its_own_class() -> None:
    """`_errors.KINDS` maps exactly the Rust client's ErrorKind names, each
    to a distinct subclass of Error that the package exports."""
    assert len(KIND_NAMES) == len(set(KIND_NAMES)) == 15
    assert "not_found" in KIND_NAMES and "io" in KIND_NAMES
    assert sorted(_errors.KINDS) == sorted(KIND_NAMES)  # none missing, none extra
    classes = [_errors.KINDS[k] for k in KIND_NAMES]
    assert len(set(classes)) == len(classes)
    for cls in classes:
        assert issubclass(cls, multipathd.Error) and cls is not multipathd.Error
        assert getattr(multipathd, cls.__name__) is cls
        assert getattr(_multipathd, cls.__name__) is cls
        assert cls.__name__ in multipathd.__all__
    assert sorted(_errors.__all__) == sorted(["Error", *(c.__name__ for c in classes)])
    assert issubclass(multipathd.NotFound, multipathd.CommandFailed)
    assert multipathd.NotFound.not_found is True
    assert multipathd.CommandFailed.not_found is False


def _raised(call: Callable[[], object]) -> multipathd.Error:
    try:
        call()
    except multipathd.Error as e:
        return e
    raise AssertionError("nothing raised")


def _with(call: Callable[[Simulator, Client], object], **sim_args: Any) -> multipathd.Error:
    with Simulator(**sim_args) as sim, Client(sim.address, timeout=1.0) as c:
        e = _raised(lambda: call(sim, c))
    return e


def _faulted(fault: str) -> Callable[[Simulator, Client], object]:
    def call(sim: Simulator, c: Client) -> object:
        sim.set_fault(fault)
        return c.list_maps()

    return call


def _map_in_use(sim: Simulator, c: Client) -> None:
    sim.set_map_in_use("mpatha")
    c.remove_map("mpatha")


# A real cause for every kind that Python can bring about.
CAUSES: Dict[str, Callable[[], multipathd.Error]] = {
    "invalid_argument": lambda: _with(lambda s, c: c.fail_path("sda\n")),
    "connect": lambda: _raised(lambda: Client(f"@multipathd-test-nobody-{uuid.uuid4()}")),
    "timeout": lambda: _with(_faulted("hang")),
    "daemon_timeout": lambda: _with(lambda s, c: c.fail_path("sda"), fault="timeout"),
    "connection_closed": lambda: _with(_faulted("close")),
    "protocol": lambda: _with(_faulted("bad-length=0")),
    "permission_denied": lambda: _with(lambda s, c: c.fail_path("sda"), nonroot=True),
    "not_found": lambda: _with(lambda s, c: c.fail_path("nosuch"), version="0.11.1"),
    "command_failed": lambda: _with(lambda s, c: c.fail_path("nosuch"), version="0.8.5"),
    "unknown_command": lambda: _with(lambda s, c: c.reconfigure_all(), version="0.8.5"),
    "blacklisted": lambda: _with(lambda s, c: c.add_path("xvda")),
    "map_in_use": lambda: _with(_map_in_use, version="0.11.1"),
    "wait_timeout": lambda: _with(lambda s, c: c.wait_for_map("mpatha", 3, timeout=0.2)),
    # A simulator of this process's uid, and a policy naming another uid.
    "untrusted_peer": lambda: _untrusted(),
}


def _untrusted() -> multipathd.Error:
    with Simulator() as sim:
        e = _raised(lambda: Client(sim.address, timeout=1.0, trust=4_000_000))
    return e
# Kinds without a cause that Python can bring about, and why.
NO_CAUSE = {
    "io": "an unclassified socket error (not a timeout, reset or closed pipe, which "
    "are Timeout and ConnectionClosed); no simulator fault or argument causes one",
}


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_each_kind_raised_from_a_real_cause(kind: str) -> None:
    assert (kind in CAUSES) != (kind in NO_CAUSE), f"{kind}: give it a cause or a reason"
    if kind in NO_CAUSE:
        pytest.skip(NO_CAUSE[kind])
    e = CAUSES[kind]()
    assert type(e) is _errors.KINDS[kind]
    assert e.kind == kind
    assert str(e)
    # The attributes survive pickling (e.g. across multiprocessing).
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e)
    assert (back.command, back.reply, str(back)) == (e.command, e.reply, str(e))


def test_not_found_only_since_0_10() -> None:
    """The same call: NotFound on 0.11.1, a bare CommandFailed on 0.8.5;
    `except CommandFailed` catches both."""
    new = CAUSES["not_found"]()
    old = CAUSES["command_failed"]()
    assert isinstance(new, multipathd.NotFound) and isinstance(new, multipathd.CommandFailed)
    assert type(old) is multipathd.CommandFailed
    assert new.command == old.command == 'fail path "nosuch"'
    assert (new.not_found, old.not_found) == (True, False)
    assert (new.reply, old.reply) == ("fail\ndevice not found\n", "fail\n")


# ----- InvalidArgument: refused before anything is sent -----


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.suspend_map("mpatha\nshutdown"),
        lambda c: c.fail_path("sda\r"),
        lambda c: c.remove_map("x" * 600),
        lambda c: c.add_path(""),
        lambda c: c.switch_group("mpatha", 0),
        lambda c: c.set_pr_key("mpatha", "not-a-key"),
        lambda c: c.command("show maps\nshutdown"),
        lambda c: c.command("   # only a comment"),
    ],
    ids=["newline", "carriage-return", "too-long", "empty", "group-0", "bad-key", "raw-newline", "raw-blank"],
)
def test_invalid_argument_reaches_nothing(sim: Simulator, call) -> None:  # type: ignore[no-untyped-def]
    with Client(sim.address, timeout=1.0) as c:
        assert len(c.list_maps()) == 2  # connected, and counted by the daemon
        accepted = sim.connections_accepted
        # A hung daemon: anything sent would wait for the 1 s timeout.
        sim.set_fault("hang")
        start = time.monotonic()
        with pytest.raises(multipathd.InvalidArgument) as e:
            call(c)
        assert time.monotonic() - start < 0.5
        assert isinstance(e.value, ValueError)
        assert e.value.command is None
        assert "invalid" in str(e.value)
        sim.clear_fault()
        # The same connection is still in step, no new one was opened, and
        # nothing changed (in particular no shutdown).
        assert c.connected
        assert [m.dm_state for m in c.list_maps()] == ["active", "active"]
        assert sim.connections_accepted == accepted
        assert sim.running


@pytest.mark.parametrize("timeout", [0.0, -1.0, math.nan, math.inf])
def test_invalid_timeout(sim: Simulator, timeout: float) -> None:
    with pytest.raises(multipathd.InvalidArgument):
        Client(sim.address, timeout=timeout)
    with Client(sim.address) as c:
        with pytest.raises(ValueError):
            c.timeout = timeout
        assert c.timeout == 4.0


# ----- ConnectionFailed -----


def test_no_daemon_on_an_abstract_address() -> None:
    address = f"@multipathd-test-nobody-{uuid.uuid4()}"
    with pytest.raises(multipathd.ConnectionFailed) as e:
        Client(address)
    assert isinstance(e.value, ConnectionError)
    assert e.value.errno == errno.ECONNREFUSED
    assert e.value.address == address
    assert e.value.command is None
    assert address in str(e.value)


def test_no_socket_file(tmp_path: "object") -> None:
    address = f"{tmp_path}/no-such.socket"
    with pytest.raises(multipathd.ConnectionFailed) as e:
        Client(address)
    assert e.value.errno == errno.ENOENT
    assert e.value.address == address


def test_daemon_gone_before_the_next_command(sim: Simulator) -> None:
    with Client(sim.address) as c:
        sim.stop()
        with pytest.raises(multipathd.ConnectionFailed) as e:
            c.list_maps()
        assert e.value.address == sim.address


# ----- Timeout -----


def test_hung_daemon_times_out_within_the_timeout(sim: Simulator) -> None:
    with Client(sim.address, timeout=0.5) as c:
        sim.set_fault("hang")
        start = time.monotonic()
        with pytest.raises(multipathd.Timeout) as e:
            c.list_maps()
        elapsed = time.monotonic() - start
        assert 0.5 <= elapsed < 1.5
        assert isinstance(e.value, TimeoutError)
        assert e.value.after == 0.5
        assert type(e.value) is multipathd.Timeout
        assert e.value.transient and e.value.may_have_run  # the client gave up
        assert e.value.command is not None and e.value.command.startswith("show maps raw format")
        assert not c.connected  # dropped: the stream is out of step
        sim.clear_fault()
        assert len(c.list_maps()) == 2  # a new connection


def test_changed_timeout_applies(sim: Simulator) -> None:
    with Client(sim.address, timeout=5.0) as c:
        c.timeout = 0.2
        sim.set_fault("hang")
        start = time.monotonic()
        with pytest.raises(multipathd.Timeout) as e:
            c.daemon_state()
        assert time.monotonic() - start < 1.0
        assert e.value.after == 0.2


def test_slow_daemon_within_the_timeout_is_fine(sim: Simulator) -> None:
    with Client(sim.address, timeout=2.0) as c:
        sim.set_reply_delay(0.3)
        assert c.daemon_state().state == "idle"


@pytest.mark.parametrize("version", VERSIONS)
def test_daemon_answers_timeout(version: str) -> None:
    with Simulator(version=version, fault="timeout") as sim, Client(sim.address) as c:
        with pytest.raises(multipathd.DaemonTimeout) as e:
            c.fail_path("sda")
        assert isinstance(e.value, multipathd.Timeout)  # and a TimeoutError
        assert e.value.after is None  # the daemon gave up, not the client
        assert e.value.kind == "daemon_timeout"
        assert e.value.transient and not e.value.may_have_run  # safe to send again
        assert e.value.command == 'fail path "sda"'
        sim.clear_fault()
        assert [p.dm_state for p in c.list_paths()][0] == "active"  # it did not run


def test_wait_timeout_carries_what_it_saw() -> None:
    """A wait past its deadline: WaitTimeout (a Timeout), with what it waited
    for, its timeout and the last state seen (test_jobs.py covers each
    job); the attributes survive pickling."""
    e = CAUSES["wait_timeout"]()
    assert isinstance(e, multipathd.WaitTimeout)
    assert isinstance(e, multipathd.Timeout) and isinstance(e, TimeoutError)
    assert e.kind == "wait_timeout"
    assert e.what == 'map "mpatha" with 3 active paths'
    assert e.after == 0.2
    assert e.last is not None and e.last["kind"] == "map"
    assert e.last["map"]["active_paths"] == 2
    assert e.command is None  # a wait is many commands
    back = pickle.loads(pickle.dumps(e))
    assert (back.what, back.after, back.last) == (e.what, e.after, e.last)


# ----- ConnectionClosed -----


@pytest.mark.parametrize("fault", ["drop-mid-reply", "close"])
def test_connection_closed(sim: Simulator, fault: str) -> None:
    with Client(sim.address) as c:
        sim.set_fault(fault)
        with pytest.raises(multipathd.ConnectionClosed) as e:
            c.list_paths()
        assert isinstance(e.value, ConnectionError)
        assert e.value.command is not None and e.value.command.startswith("show paths raw format")
        assert e.value.detail
        sim.clear_fault()
        assert len(c.list_paths()) == 4


def test_drop_mid_reply_says_how_much_came(sim: Simulator) -> None:
    with Client(sim.address) as c:
        sim.set_fault("drop-mid-reply")
        with pytest.raises(multipathd.ConnectionClosed) as e:
            c.list_maps()
        assert "stream ended after" in (e.value.detail or "")


# ----- ProtocolError -----


@pytest.mark.parametrize(
    "fault, detail",
    [("bad-length=0", "length prefix is 0"), ("bad-length", "exceeds the limit")],
)
def test_bad_length_is_a_protocol_error(sim: Simulator, fault: str, detail: str) -> None:
    with Client(sim.address, timeout=2.0) as c:
        sim.set_fault(fault)
        start = time.monotonic()
        with pytest.raises(multipathd.ProtocolError) as e:
            c.list_maps()
        assert time.monotonic() - start < 1.0
        assert detail in (e.value.detail or "")
        assert e.value.command is not None
        sim.clear_fault()
        assert len(c.list_maps()) == 2


# ----- PermissionDenied -----


@pytest.mark.parametrize("version", VERSIONS)
def test_non_root_is_denied_actions(version: str) -> None:
    with Simulator(version=version, nonroot=True) as sim, Client(sim.address) as c:
        assert len(c.list_paths()) == 4  # show/list are allowed
        with pytest.raises(multipathd.PermissionDenied) as e:
            c.fail_path("sda")
        assert isinstance(e.value, PermissionError)
        assert e.value.command == 'fail path "sda"'
        assert "permission deny" in (e.value.reply or "")
        with pytest.raises(PermissionError):
            c.pr_status("mpatha")
        sim.set_nonroot(False)
        c.fail_path("sda")


# ----- CommandFailed -----


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_path_fails(version: str) -> None:
    with Simulator(version=version) as sim, Client(sim.address) as c:
        with pytest.raises(multipathd.CommandFailed) as e:
            c.fail_path("sdzz")
        assert e.value.command == 'fail path "sdzz"'
        if version == "0.11.1":
            assert type(e.value) is multipathd.NotFound
            assert e.value.message == "device not found"
            assert e.value.not_found is True
            assert e.value.reply == "fail\ndevice not found\n"
            assert "no such map or path" in str(e.value)
        else:
            assert type(e.value) is multipathd.CommandFailed
            assert e.value.message is None
            assert e.value.not_found is False
            assert e.value.reply == "fail\n"


def test_unknown_map_fails(client: Client) -> None:
    with pytest.raises(multipathd.CommandFailed) as e:
        client.suspend_map("nosuch")
    assert e.value.command == 'suspend map "nosuch"'
    assert "failed" in str(e.value)


# ----- UnknownCommand -----


def test_reconfigure_all_on_085_is_unknown() -> None:
    with Simulator(version="0.8.5") as sim, Client(sim.address) as c:
        with pytest.raises(multipathd.UnknownCommand) as e:
            c.reconfigure_all()
        assert e.value.command == "reconfigure all"
        assert e.value.version == multipathd.DaemonVersion(0, 8, 5)
        assert e.value.version == (0, 8, 5)
        assert (e.value.reply or "").startswith("multipath-tools v0.8.5")
        c.reconfigure()  # the old spelling works


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_raw_command(version: str) -> None:
    with Simulator(version=version) as sim, Client(sim.address) as c:
        with pytest.raises(multipathd.UnknownCommand) as e:
            c.command("frobnicate")
        assert e.value.version is not None
        assert str(e.value.version) == version


# ----- Blacklisted -----


def test_blacklisted_device(client: Client) -> None:
    with pytest.raises(multipathd.Blacklisted) as e:
        client.add_path("xvda")
    assert e.value.command == 'add path "xvda"'
    assert len(client.list_paths()) == 4


# ----- MapInUse: from a real cause (the simulator with a map marked open)
# in test_map_in_use.py -----


# ----- a Rust panic -----


def test_a_rust_panic_is_a_multipathd_error() -> None:
    from multipathd import _multipathd

    with pytest.raises(multipathd.Error) as e:
        _multipathd._panic_for_tests("boom")
    assert type(e.value) is multipathd.Error
    assert "boom" in str(e.value)
    # An ordinary `except Exception` catches it (pyo3's PanicException is a
    # BaseException and would escape).
    try:
        _multipathd._panic_for_tests("again")
    except Exception as caught:  # noqa: BLE001
        assert isinstance(caught, multipathd.Error)


def test_untrusted_peer_names_the_peer_and_the_opt_outs_work() -> None:
    """The peer check: the default believes a simulator of this uid, a
    policy naming another uid refuses it before sending anything (with the
    peer's uid and pid), trust="any" and the own uid believe it, and a bad
    policy is an InvalidArgument. (mpd-client's tests/trust.rs runs an
    impostor of another user.)"""
    import os

    with Simulator() as sim:
        e = _raised(lambda: Client(sim.address, trust=4_000_000))
        assert isinstance(e, multipathd.UntrustedPeer)
        assert (e.uid, e.pid, e.address) == (os.geteuid(), os.getpid(), sim.address)
        assert e.expected == "uid 4000000"
        assert not e.transient and not e.may_have_run
        for trust in (None, "root_or_self", "any", os.geteuid()):
            with Client(sim.address, trust=trust) as c:
                assert c.list_maps()
        with multipathd.Watch(sim.address, trust="any") as w:
            assert w is not None
        e = _raised(lambda: multipathd.Watch(sim.address, trust=4_000_000))
        assert isinstance(e, multipathd.UntrustedPeer)
        for bad in ("root", -1, 1.5):
            e = _raised(lambda: Client(sim.address, trust=bad))  # type: ignore[arg-type]
            assert isinstance(e, multipathd.InvalidArgument)
