"""ASGI entry point."""

from config.boot import load_settings_or_exit

load_settings_or_exit("config.settings.production")

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
