"""Workloads W1–W4 of the peer benchmark (../shared/bench/peers/django-helpdesk/README.md) on
the after-sales desk, and, in the same run, the peer's W1 through the same client.

    .venv/bin/python bench/desk_bench.py run --db sqlite --path /tmp/desk.sqlite3 --runs 3
    .venv/bin/python bench/desk_bench.py run --db postgres --name aftersales_desk --runs 3
    .venv/bin/python bench/desk_bench.py peer-w1 --base http://127.0.0.1:8765     # peer running

Each run copies the loaded database (``desk_load.py``: SQLite file copy / PostgreSQL
``CREATE DATABASE … TEMPLATE``), starts gunicorn with 2 sync workers and the production
settings (DEBUG off, persistent database connections, Celery tasks through Redis to one
worker, as deployed; the worker shares the two cores), then, as the spec orders:

* W2 — the desk's queue, first page, as a signed-in agent sees it: ``GET /service/`` (open
  cases, soonest deadline first, 25 rows, server-rendered: one request is the whole page).
  2 warm-ups, 50 sequential operations.
* W3 — keyword search, first page: ``GET /service/?q=<kw>`` (all statuses), cycling the
  peer's keywords ``refund, overheating, firmware, invoice`` (5 each) and then a Chinese set
  for our own data (退款, 过热, 固件, 发票: ``desk_load.py`` adds a Chinese sentence where
  the English keyword occurs).
* W4 — the overview: ``GET /service/overview/`` (open cases by status × department × kind,
  overdue, due soon, unassigned, mine). 2 warm-ups, 20 requests.
* W1 — intake through the API: ``POST /api/v1/tickets/`` with a token, 2,000 requests, 8
  concurrent clients in a closed loop, after 16 unmeasured warm-ups; bodies from the peer's
  generator (seed 4242): title + description as the description, the submitter's e-mail
  local part as the name, a mobile number made from it, the priority mapped.

The client is a small asyncio HTTP/1.1 client (a new connection per request, as the spec says),
because a general-purpose client spends more CPU per request than the server under test at
these rates; both systems are measured with it. Latency = send to last byte read;
percentiles by linear interpolation, as the peer's ``bench.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "bench" / "peers" / "django-helpdesk"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_load import API_TOKEN, BENCH_PASSWORD  # noqa: E402

KEYWORDS = ["refund", "overheating", "firmware", "invoice"]
KEYWORDS_CN = ["退款", "过热", "固件", "发票"]
PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "low", 5: "low"}


# ---------------------------------------------------------------- statistics (as the peer's)
def pct(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats_ms(secs):
    ms = [x * 1000.0 for x in secs]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "median_ms": round(pct(ms, 50), 2),
        "p90_ms": round(pct(ms, 90), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
    }


def server_cpu_s(pid: int) -> float | None:
    """utime+stime of pid and its descendants (gunicorn master and workers)."""
    if not pid:
        return None
    tck = os.sysconf("SC_CLK_TCK")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
        except OSError:
            continue
    return total / tck


# ---------------------------------------------------------------- a lean HTTP/1.1 client
class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


async def request(
    host: str, port: int, method: str, path: str, headers: dict, body: bytes = b""
) -> Response:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await reader.read(-1)
    finally:
        writer.close()
    header_blob, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_blob.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    out: dict[str, list[str]] = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        out.setdefault(k.strip().lower(), []).append(v.strip())
    if "chunked" in ",".join(out.get("transfer-encoding", [])):
        payload = _unchunk(payload)
    return Response(status, out, payload)


def _unchunk(data: bytes) -> bytes:
    out, i = b"", 0
    while True:
        j = data.index(b"\r\n", i)
        size = int(data[i:j].split(b";")[0], 16)
        if size == 0:
            return out
        out += data[j + 2 : j + 2 + size]
        i = j + 2 + size + 2


class Session:
    """Cookies kept by hand: the production settings mark them Secure, and this is loopback."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.cookies = host, port, {}

    def _headers(self, extra=None) -> dict:
        h = {"Accept": "text/html", "Accept-Language": "zh-hans"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, r: Response) -> None:
        for c in r.headers.get("set-cookie", []):
            k, _, v = c.split(";")[0].partition("=")
            self.cookies[k.strip()] = v.strip()

    def get(self, path: str) -> Response:
        r = asyncio.run(request(self.host, self.port, "GET", path, self._headers()))
        self._keep(r)
        return r

    def post_form(self, path: str, data: dict) -> Response:
        body = urlencode(data).encode()
        r = asyncio.run(
            request(
                self.host,
                self.port,
                "POST",
                path,
                self._headers({"Content-Type": "application/x-www-form-urlencoded"}),
                body,
            )
        )
        self._keep(r)
        return r


def login(host: str, port: int, username: str, password: str) -> Session:
    s = Session(host, port)
    page = s.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post_form(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"},
    )
    if r.status != 302 or "sessionid" not in s.cookies:
        raise SystemExit(f"login failed: HTTP {r.status}")
    return s


# ---------------------------------------------------------------- W2, W3, W4
ROWS = re.compile(r'data-case-link href="/service/cases/')


def run_pages(s: Session, paths, n: int, warmup: int, pid: int, must: str, rows: bool) -> dict:
    for i in range(warmup):
        s.get(paths(i))
    lat, errors, matched = [], {}, {}
    s0 = server_cpu_s(pid)
    for i in range(n):
        path = paths(i)
        t0 = time.perf_counter()
        r = s.get(path)
        dt = time.perf_counter() - t0
        if r.status != 200 or must not in r.text:
            errors[f"HTTP {r.status}"] = errors.get(f"HTTP {r.status}", 0) + 1
            continue
        lat.append(dt)
        if rows:
            count = re.search(r'data-testid="case-count">([\d,]+)<', r.text)
            matched[path] = {
                "rows": len(ROWS.findall(r.text)),
                "total": int(count.group(1).replace(",", "")) if count else None,
            }
    s1 = server_cpu_s(pid)
    cpu = None if s0 is None or s1 is None else s1 - s0
    return dict(
        stats_ms(lat),
        errors=sum(errors.values()),
        error_kinds=errors,
        rows_matched=matched,
        server_cpu_ms_per_op=None if cpu is None or not lat else round(cpu * 1000 / len(lat), 1),
    )


# ---------------------------------------------------------------- W1
def w1_bodies(n: int, style: str, queue_id: int = 1) -> list[bytes]:
    sys.path.insert(0, str(PEER))
    sys.dont_write_bytecode = True
    import seed as dataset  # the peer's generator: the same texts for both systems

    out = []
    for t in dataset.generate(n, seed=4242):
        if style == "peer":
            body = {
                "queue": queue_id,
                "title": t["title"],
                "description": t["description"],
                "submitter_email": t["submitter_email"],
                "priority": t["priority"],
            }
        else:
            local = t["submitter_email"].split("@")[0]
            digits = int("".join(ch for ch in local if ch.isdigit()) or 0)
            body = {
                "channel": "email",
                "kind": "repair",
                "customer": {"name": local, "phone": f"1391{digits:07d}"},
                "description": f"{t['title']}\n{t['description']}",
                "priority": PRIORITY[t["priority"]],
            }
        out.append(json.dumps(body).encode())
    return out


async def run_w1(host, port, path, token, bodies, n, conc, warmup, pid) -> dict:
    headers = {
        "Authorization": f"Token {token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    lat, codes = [], {}

    async def one(i, record):
        t0 = time.perf_counter()
        try:
            r = await request(host, port, "POST", path, headers, bodies[i])
            code = r.status
        except OSError as e:
            code = type(e).__name__
        if record:
            codes[code] = codes.get(code, 0) + 1
            if code == 201:
                lat.append(time.perf_counter() - t0)

    for i in range(warmup):
        await one(i, False)
    todo = iter(range(warmup, warmup + n))

    async def worker():
        for i in todo:
            await one(i, True)

    s0, c0 = server_cpu_s(pid), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conc)))
    wall = time.perf_counter() - t0
    s1 = server_cpu_s(pid)
    ok = codes.get(201, 0)
    cpu = None if s0 is None or s1 is None else s1 - s0
    return dict(
        stats_ms(lat),
        requests=n,
        concurrency=conc,
        ok=ok,
        errors=n - ok,
        status_counts={str(k): v for k, v in codes.items()},
        wall_s=round(wall, 2),
        rps=round(n / wall, 2),
        server_cpu_ms_per_op=None if cpu is None or not ok else round(cpu * 1000 / ok, 1),
        client_cpu_s=round(time.process_time() - c0, 2),
    )


# ---------------------------------------------------------------- server
def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def server_env(db: str, url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-" + "k3y-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=url,
        DB_CONN_MAX_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        # As deployed: tasks (the customer's SMS) go to Redis and one worker sends them.
        CELERY_BROKER_URL="redis://127.0.0.1:6379/14",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def start_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--chdir",
            str(ROOT / "src"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--error-logfile",
            str(log),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        if not port_free(port):
            break
        time.sleep(0.2)
    time.sleep(1.0)
    return proc


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            *("-A", "config", "worker", "--workdir", str(ROOT / "src")),
            *("--concurrency", "1", "--loglevel", "WARNING", "--logfile", str(log)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def clone_database(db: str, path: str, name: str) -> str:
    if db == "sqlite":
        run_path = path.replace(".sqlite3", "-run.sqlite3")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(run_path + suffix).unlink(missing_ok=True)
        shutil.copyfile(path, run_path)
        for suffix in ("-wal", "-shm"):
            if Path(path + suffix).exists():
                shutil.copyfile(path + suffix, run_path + suffix)
        return f"sqlite:///{run_path}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}_run")
        c.execute(f"CREATE DATABASE {name}_run TEMPLATE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}_run"


def one_run(a, label: str) -> dict:
    url = clone_database(a.db, a.path, a.name)
    env = server_env(a.db, url)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )
    if not port_free(a.port):
        raise SystemExit(f"port {a.port} already in use")
    worker = start_worker(env, Path(f"/tmp/desk-bench-celery-{a.db}.log"))
    proc = start_server(env, a.port, a.workers, Path(f"/tmp/desk-bench-gunicorn-{a.db}.log"))
    res: dict = {"label": label, "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    t_start = time.perf_counter()
    try:
        s = login("127.0.0.1", a.port, a.user, BENCH_PASSWORD)
        only = set(a.only.split(","))
        if "w2" in only:
            res["w2_open_list"] = run_pages(
                s, lambda i: "/service/", a.w2_requests, a.warmup, proc.pid, "case-table", True
            )
        if "w3" in only:
            res["w3_search"] = run_pages(
                s,
                lambda i: "/service/?" + urlencode({"q": KEYWORDS[i % len(KEYWORDS)]}),
                a.w3_requests,
                a.warmup,
                proc.pid,
                "case-table",
                True,
            )
            res["w3_search_cn"] = run_pages(
                s,
                lambda i: "/service/?" + urlencode({"q": KEYWORDS_CN[i % len(KEYWORDS_CN)]}),
                a.w3_requests,
                a.warmup,
                proc.pid,
                "case-table",
                True,
            )
        if "w4" in only:
            res["w4_overview"] = run_pages(
                s,
                lambda i: "/service/overview/",
                a.w4_requests,
                a.warmup,
                proc.pid,
                "by-department",
                False,
            )
        if "w1" in only:
            bodies = w1_bodies(a.w1_requests + a.w1_warmup, "ours")
            res["w1_create"] = asyncio.run(
                run_w1(
                    "127.0.0.1",
                    a.port,
                    "/api/v1/tickets/",
                    API_TOKEN,
                    bodies,
                    a.w1_requests,
                    a.w1_concurrency,
                    a.w1_warmup,
                    proc.pid,
                )
            )
    finally:
        stop_server(proc)
        stop_server(worker)
    res["bench_wall_s"] = round(time.perf_counter() - t_start, 1)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("command", choices=["run", "peer-w1"])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--path", default="/tmp/desk-bench/desk.sqlite3")
    ap.add_argument("--name", default="aftersales_desk")
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--user", default="desk00")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", default="")
    ap.add_argument("--only", default="w2,w3,w4,w1")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--w1-requests", type=int, default=2000)
    ap.add_argument("--w1-concurrency", type=int, default=8)
    ap.add_argument("--w1-warmup", type=int, default=16)
    ap.add_argument("--w2-requests", type=int, default=50)
    ap.add_argument("--w3-requests", type=int, default=20)
    ap.add_argument("--w4-requests", type=int, default=20)
    ap.add_argument("--base", default="http://127.0.0.1:8765", help="peer-w1: the peer's address")
    ap.add_argument("--server-pid", type=int, default=0, help="peer-w1: gunicorn master pid")
    a = ap.parse_args()
    if a.command == "peer-w1":
        host, port = a.base.removeprefix("http://").split(":")
        if host not in ("127.0.0.1", "localhost"):
            raise SystemExit("refusing: the peer must be on loopback")
        bodies = w1_bodies(a.w1_requests + a.w1_warmup, "peer")
        token = "5eedbe4c0ffee5eedbe4c0ffee5eedbe4c0ffee0"
        res = asyncio.run(
            run_w1(
                host,
                int(port),
                "/helpdesk/api/tickets/",
                token,
                bodies,
                a.w1_requests,
                a.w1_concurrency,
                a.w1_warmup,
                a.server_pid,
            )
        )
        print(json.dumps({"peer_w1_create": res}))
        return
    for i in range(a.runs):
        line = json.dumps(dict(one_run(a, f"{a.db} run {i + 1}"), db=a.db, run=i + 1))
        print(line, flush=True)
        if a.out:
            Path(a.out).parent.mkdir(parents=True, exist_ok=True)
            with open(a.out, "a") as fh:
                fh.write(line + "\n")


if __name__ == "__main__":
    main()
