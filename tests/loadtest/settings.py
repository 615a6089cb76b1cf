"""The production settings (config.settings, from the environment) plus one trivial
POST view, the yardstick of the load test's throughput ratio."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.loadtest.urls"
