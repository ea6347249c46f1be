"""Development on one machine: the embedded SQLite database, in-process jobs, debug pages."""

from config import env

from .base import *

DEBUG = env.get_bool("DEBUG", True)

# A key of this install's own, unless one is given: signed customer links (SMS tracking,
# 三包 applications) cannot be forged with the key printed in the source code.
SECRET_KEY = env.get_str("SECRET_KEY") or env.local_secret_key(env.BASE_DIR / "var" / "secret_key")

# Static files come straight from the apps; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
