"""seed_demo refuses to run where DEBUG is off. Apart from test_seed_demo.py, whose
tests share one seeded demo: this one needs a database with nothing in it."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation


def test_refuses_to_run_in_production_without_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Organisation.objects.exists()
