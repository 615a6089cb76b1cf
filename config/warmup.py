"""Work every gunicorn worker would otherwise repeat on its first requests, done once in
the master before the workers are forked (config/gunicorn.py: preload_app): they share
its result, and a worker recycled after max_requests starts warm."""

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def warm_up() -> int:
    """Returns the number of templates compiled."""
    # The URL patterns compiled into the resolver's lookup tables (the first reverse()).
    get_resolver().reverse_dict  # noqa: B018 - read for its side effect
    # Each language's message catalogues read from their .mo files (the first gettext).
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")
    compiled = _compile_templates()
    # Nothing above asks the database; were a connection opened, the forked workers
    # must not share it.
    connections.close_all()
    # Everything loaded so far lives as long as the process: out of the collector's
    # reach, so that a worker's collections neither walk it nor write to its pages
    # (which the fork shares with the master until written).
    gc.freeze()
    return compiled


def _compile_templates() -> int:
    """Every template the site's engine can find, parsed into its cached loader (the
    editor's page alone is some 40 templates with its widgets')."""
    engine = engines["django"].engine
    directories = [Path(directory) for directory in engine.dirs]
    directories += [Path(directory) for directory in get_app_template_dirs("templates")]
    compiled = 0
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if path.suffix not in {".html", ".txt", ".xml"} or not path.is_file():
                continue
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
                compiled += 1
            except TemplateSyntaxError as error:  # a template of an app this site never renders
                logger.info("template %s not compiled: %s", name, error)
    return compiled
