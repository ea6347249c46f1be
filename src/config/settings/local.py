"""Development on one machine: the embedded SQLite database, in-process jobs, debug pages."""

from config import env

from .base import *

DEBUG = env.get_bool("DEBUG", True)

# Static files come straight from the apps; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
