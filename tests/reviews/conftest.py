"""Worlds the review's document tests share, built through the real workflow."""

import pytest

from tests.reviews.nrta_world import build_world
from tests.reviews.outcome_world import build_reviewed, make_experts


@pytest.fixture
def experts(cast):
    """The assigned expert and two more of the pool."""
    return make_experts(cast)


@pytest.fixture
def reviewed(cast, experts):
    """Six cases of two cities through the whole review (see outcome_world.build_reviewed)."""
    return build_reviewed(cast, experts)


@pytest.fixture
def world(cast, case_at, case_in):
    """Cases recommended to the NRTA, with evidence (see nrta_world.build_world)."""
    return build_world(cast, case_at, case_in)


@pytest.fixture
def out(tmp_path):
    """An empty directory for what the commands write (the media files live beside it)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory
