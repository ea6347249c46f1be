"""WSGI entry point (gunicorn config.wsgi)."""

from config.boot import load_settings_or_exit

load_settings_or_exit("config.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
