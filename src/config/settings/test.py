"""The test suite: SQLite in memory unless DATABASE_URL names another database."""

import os

from config import env

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {"NAME": env.get_str("TEST_DATABASE_NAME", "test_aftersales")}
# A second alias standing for the replica: a mirror of the test database, so the router's
# test sees the same rows through another connection. Reports use it only when a test says so.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPORTING_DATABASE = "default"

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING["root"]["level"] = "WARNING"

# Serve static files from the apps (no collectstatic) for the browser tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
