"""gunicorn's master warms the app before forking its workers (config/gunicorn.py,
config/warmup.py): what it prepares is what the workers then use, and it leaves no
database connection for them to share."""

import gc

from django.template import engines

from config.warmup import warm_up


def test_warm_up_compiles_the_sites_templates_and_asks_no_database(db, django_assert_num_queries):
    """No query: a connection opened in the master would be shared by every forked worker."""
    engine = engines["django"].engine
    try:
        with django_assert_num_queries(0):
            compiled = warm_up()
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
    assert compiled > 100  # the site's own, the forms' widgets', the admin's
    # The cached loader now answers the base page and a form widget without reading a file.
    cached = engine.template_loaders[0]
    assert {"base.html", "django/forms/widgets/input.html"} <= set(cached.get_template_cache)


def test_gunicorn_preloads_the_app_and_warms_it_in_the_master():
    import runpy

    config = runpy.run_path("config/gunicorn.py")
    assert config["preload_app"] is True
    assert callable(config["when_ready"])
