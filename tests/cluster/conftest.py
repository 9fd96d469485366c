"""One one-node SLURM cluster for every cluster test of the session: the daemons start once.

Test modules here import the shared helpers as `tests.conftest` (pytest's own `conftest` module name is this file
while they are collected); `make test-cluster` runs pytest from the repository root.
"""

from __future__ import annotations

import time

import pytest
from localslurm import ClusterError, LocalCluster


@pytest.fixture(scope="session")
def cluster():
    start = time.monotonic()
    try:
        started = LocalCluster.start()
    except ClusterError as error:
        pytest.fail(f"could not start a one-node SLURM cluster: {error}", pytrace=False)
    print(f"\none-node SLURM cluster up in {time.monotonic() - start:.1f} s")
    yield started
    started.stop()
