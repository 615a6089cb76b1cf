import os

from django.core.asgi import get_asgi_application

from config.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Serving needs the secret key that building does not (config/settings.py).
require_secret_key()
application = get_asgi_application()
