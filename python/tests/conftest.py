"""Fixtures: every test gets its own simulated daemon on a private address."""

from __future__ import annotations

from typing import Iterator

import pytest

import multipathd
from multipathd.testing import Simulator

VERSIONS = ["0.8.5", "0.9.4", "0.11.1", "0.15.1"]


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A 0.9.4 daemon with 2 maps x 2 paths; the checker runs only on demand,
    so states change only through the test's commands."""
    with Simulator(checker_tick=None) as s:
        yield s


@pytest.fixture(params=VERSIONS)
def vsim(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """The same, once per simulated release."""
    with Simulator(version=request.param, checker_tick=None) as s:
        yield s


@pytest.fixture
def client(sim: Simulator) -> Iterator[multipathd.Client]:
    with multipathd.Client(sim.address, timeout=2.0) as c:
        yield c


@pytest.fixture
def vclient(vsim: Simulator) -> Iterator[multipathd.Client]:
    with multipathd.Client(vsim.address, timeout=2.0) as c:
        yield c
