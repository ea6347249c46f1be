"""Development on one machine: the embedded SQLite database, in-process jobs; debug pages
with DEBUG=1 (`make run` turns them off unless asked)."""

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

# E-mail is written to files under var/mail/ (one file per run of the process), not printed:
# `make run` stays readable while the demo data notifies people, and the messages can still
# be read there. EMAIL_HOST (SMTP) or EMAIL_BACKEND choose otherwise.
if not (EMAIL_HOST or env.get_str("EMAIL_BACKEND")):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
