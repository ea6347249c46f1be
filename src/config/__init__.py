"""Project configuration: settings, URLs, entry points and the Celery app."""
