import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils.crypto import get_random_string

from tests.conftest import build_cast
from tests.security.world import ROLES, build_world, user_of


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast and its world, built once per module in a transaction rolled back when
    the module is done (as tests/conftest.py does for the demo)."""
    media = tmp_path_factory.mktemp("world-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world(build_cast())
        except BaseException as error:
            outer.__exit__(type(error), error, error.__traceback__)
            raise
    world.media = media
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(_world_of_the_module, db, settings):
    settings.MEDIA_ROOT = _world_of_the_module.media
    return _world_of_the_module


def _client(user) -> Client:
    """A browser of `user` with a real CSRF token (cookie and form field alike)."""
    client = Client(enforce_csrf_checks=True)
    client.csrf = get_random_string(32)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = client.csrf
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="module")
def browsers(_world_of_the_module, django_db_blocker):
    """One signed-in browser per role, signed in once for the module (the sessions live
    in the module's transaction)."""
    with django_db_blocker.unblock():
        return {role: _client(user_of(_world_of_the_module, role)) for role in ROLES}
