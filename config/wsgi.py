import os

from django.core.wsgi import get_wsgi_application

from config.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Serving needs the secret key that building does not (config/settings.py).
require_secret_key()
application = get_wsgi_application()
