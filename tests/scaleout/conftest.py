"""The world of the scale-out test (tests/reviews' NRTA world, reused)."""

from tests.reviews.conftest import world  # noqa: F401
