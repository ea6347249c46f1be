"""Production: secrets must come from the environment; HTTPS-only cookies and HSTS.

`manage.py check --deploy` is clean with these settings (a test keeps it so).
"""

from config import env

from .base import *

DEBUG = env.get_bool("DEBUG", False)
if DEBUG:
    raise env.ConfigError("DEBUG must be off in production (unset DEBUG or set DEBUG=0).")

SECRET_KEY = env.require_str(
    "SECRET_KEY", why="production needs a long random secret, e.g. from `openssl rand -base64 48`"
)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise env.ConfigError("SECRET_KEY is too short or too simple; use 50+ random characters.")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise env.ConfigError("ALLOWED_HOSTS is not set; list the host names this site answers to.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING["root"]["level"] = env.get_str("LOG_LEVEL", "WARNING")
