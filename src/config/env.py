"""Reading settings from the environment, with one-line errors instead of tracebacks.

Every value the deployment may set is read here. A bad value raises ``ConfigError``, which the
entry points (``manage.py``, ``wsgi.py``, ``asgi.py``, ``celery.py``) turn into a single line on
stderr and a non-zero exit, so an operator sees what to fix rather than a stack trace.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SUPPORTED_DB_SCHEMES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
}

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    """A setting from the environment is missing or malformed."""


def get_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def get_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def get_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None


def get_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_url(name: str, default: str) -> str:
    """An http(s) address, ``default`` when unset or empty."""
    value = get_str(name) or default
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={value!r} is not an http:// or https:// address.")
    return value


SMS_TEMPLATE_KEYS = {"aliyun", "tencent", "params"}


def get_sms_templates(name: str) -> dict[str, dict]:
    """The SMS providers' template codes per customer message, as JSON:
    ``{"case_received": {"aliyun": "SMS_123", "tencent": "123456", "params": ["name"]}}``.
    ``params`` is a list of the message's fields in the provider template's order, or an object
    ``{"provider_variable": "field"}`` where the provider template names them otherwise."""
    import json

    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a JSON object of message names.")
    templates = {}
    for message, entry in value.items():
        if not isinstance(entry, dict):
            raise ConfigError(f'{name}: {message!r} must be an object such as {{"aliyun": ...}}.')
        unknown = sorted(set(entry) - SMS_TEMPLATE_KEYS)
        if unknown:
            raise ConfigError(
                f"{name}: {message!r} has unknown keys {unknown}; use aliyun, tencent, params."
            )
        codes = {}
        for provider in ("aliyun", "tencent"):
            code = entry.get(provider)
            if code is None or code == "":
                continue
            if not isinstance(code, str | int) or isinstance(code, bool):
                raise ConfigError(f"{name}: {message!r} has a {provider} code that is not text.")
            codes[provider] = str(code)
        params = entry.get("params")
        if params is not None:
            if isinstance(params, dict):
                words = [*params.keys(), *params.values()]
            else:
                words = params if isinstance(params, list) else [None]
            if not all(isinstance(word, str) and word for word in words):
                raise ConfigError(
                    f"{name}: {message!r} params must be a list of field names or an object "
                    "of provider variables to field names."
                )
            codes["params"] = params
        templates[message] = codes
    return templates


def require_str(name: str, *, why: str) -> str:
    value = get_str(name)
    if not value:
        raise ConfigError(f"{name} is not set; {why}.")
    return value


def parse_database_url(url: str, *, conn_max_age: int = 0) -> dict:
    """Turn ``DATABASE_URL`` into a Django ``DATABASES`` entry.

    Supported: ``sqlite:///relative/path.sqlite3``, ``sqlite:////absolute/path.sqlite3``,
    ``sqlite://:memory:`` and ``postgres://user:password@host:port/name``. SQLite runs in WAL
    mode with immediate transactions, so concurrent writers queue instead of failing with
    "database is locked" half-way through a use case.
    """
    shown = _redact(url)
    if url.strip() in {"sqlite://:memory:", "sqlite:///:memory:"}:
        return _sqlite_settings(urlsplit("sqlite:///:memory:"), shown)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL {shown!r} is malformed: {exc}.") from None
    engine = SUPPORTED_DB_SCHEMES.get(parts.scheme)
    if engine is None:
        known = ", ".join(sorted(SUPPORTED_DB_SCHEMES))
        raise ConfigError(
            f"DATABASE_URL {shown!r} has an unsupported scheme {parts.scheme!r}; "
            f"use one of {known}."
        )
    if parts.scheme == "sqlite":
        # Kept connections matter more here than anywhere: each new one re-runs the PRAGMAs
        # and starts with a cold page cache.
        return {**_sqlite_settings(parts, shown), "CONN_MAX_AGE": conn_max_age}
    name = parts.path.lstrip("/")
    if not name or "/" in name:
        raise ConfigError(
            f"DATABASE_URL {shown!r} names no database; expected postgres://user@host:5432/name."
        )
    if not parts.hostname:
        raise ConfigError(f"DATABASE_URL {shown!r} names no host.")
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname,
        "PORT": str(port or ""),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": conn_max_age > 0,
        "ATOMIC_REQUESTS": False,
        # The desk's queries are short; JIT compiling one that merely looks costly (a search
        # with many matches) took longer than running it.
        "OPTIONS": {"options": "-c jit=off"},
    }


def _sqlite_settings(parts, shown: str) -> dict:
    if parts.netloc == ":memory:" or parts.path in {"/:memory:", ""}:
        name = ":memory:"
    else:
        raw_path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not raw_path:
            raise ConfigError(f"DATABASE_URL {shown!r} names no SQLite file.")
        path = Path(raw_path)
        name = str(path if path.is_absolute() else BASE_DIR / path)
    return {
        "ENGINE": SUPPORTED_DB_SCHEMES["sqlite"],
        "NAME": name,
        "OPTIONS": {
            # WAL: readers never wait for the writer. A 64 MB page cache and memory-mapped
            # reads keep a desk's working set in memory across requests.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "ATOMIC_REQUESTS": False,
    }


def _redact(url: str) -> str:
    """Hide a password before a URL is echoed in an error message."""
    try:
        parts = urlsplit(url)
        if parts.password:
            return url.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return url


def local_secret_key(path: Path) -> str:
    """The secret key of a development install: random, made on first start and kept in
    ``var/`` (never in the repository), so nobody can sign another install's customer links
    with a key published in the source."""
    import secrets

    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 50:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by the owner only; a concurrent first start keeps whichever wins.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
