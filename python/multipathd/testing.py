"""A simulated multipathd for tests.

``Simulator`` runs a protocol-faithful stand-in for the daemon (releases
0.8.5, 0.9.4, 0.11.1 and 0.15.1) on a private unix socket, in this process, without
root, SAN or device-mapper. It is the Rust crate ``mpd-sim``, shipped in the
wheel.

    >>> from multipathd import Client
    >>> from multipathd.testing import Simulator
    >>> with Simulator(version="0.11.1", maps=2, paths_per_map=2) as sim:
    ...     with Client(sim.address) as client:
    ...         client.fail_path("sda")
    ...         (sda,) = [p for p in client.list_paths() if p.device == "sda"]
    ...         sda.dm_state, sda.dm_state == "failed", str(sda.dm_state)
    (<PathDmState.FAILED: 'failed'>, True, 'failed')

A map that is open (mounted) cannot be removed; ``set_map_in_use`` makes
the simulator answer as each release does for one (0.11.1: ``MapInUse``;
0.8.5 and 0.9.4 answer a bare "fail": ``CommandFailed``), and the map stays:

    with Simulator(version="0.11.1") as sim, Client(sim.address) as client:
        sim.set_map_in_use("mpatha")
        with pytest.raises(multipathd.MapInUse):
            client.remove_map("mpatha")

A pytest fixture:

    @pytest.fixture
    def sim():
        with Simulator() as s:
            yield s
"""

from multipathd._multipathd import Simulator

__all__ = ["Simulator"]
