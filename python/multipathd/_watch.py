"""``watch_events``: the events of a ``Watch`` as a generator.

Defined here, in Python, over the compiled ``Watch``; import it from
``multipathd``.
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Iterator, Optional, Union

from multipathd._errors import InvalidArgument
from multipathd._multipathd import Event, Watch

__all__ = ["watch_events"]

# How long one wait may run before the generator looks at `stop` again.
_SLICE = 0.1


def watch_events(
    socket: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    interval: float = 1.0,
    timeout: Optional[float] = None,
    stop: Optional[threading.Event] = None,
) -> Iterator[Event]:
    """Yields the events of a new ``Watch(socket, interval=interval)``.

    The watch (and its connection) is made when the generator starts --
    ConnectionFailed is raised from the first ``next()`` if no daemon
    answers -- and closed when the generator ends or is closed (a ``for``
    loop left with ``break``, garbage collection).

    timeout: None (the default) waits for events for ever; a number of
    seconds ends the generator once that long passed without an event.
    stop: a ``threading.Event``; the generator ends soon (within 0.1 s,
    or the client's timeout when a poll is under way) after it is set.

    Waiting releases the GIL, so the generator is meant to run in a thread
    of its own::

        stop = threading.Event()

        def watcher() -> None:
            for event in multipathd.watch_events(stop=stop):
                print(event)

        threading.Thread(target=watcher).start()
        ...
        stop.set()

    Errors other than the daemon going away (PermissionDenied,
    ProtocolError, ...) end the generator with the exception.
    """
    if timeout is not None and not (timeout >= 0):
        raise InvalidArgument(f"invalid timeout: {timeout} is not a number of seconds >= 0")
    with Watch(socket, interval=interval) as watch:
        quiet_since = time.monotonic()
        while stop is None or not stop.is_set():
            wait = _SLICE if stop is not None else math.inf
            if timeout is not None:
                left = timeout - (time.monotonic() - quiet_since)
                if left <= 0:
                    return
                wait = min(wait, left)
            event = watch.next_event(wait)
            if event is not None:
                yield event
                quiet_since = time.monotonic()
