"""`make bench`: throughput, latency, queries, documents and memory, seed size vs national scale.

1. Two PostgreSQL databases: the seed demo (`seed_demo`) and the national dataset
   (`seed_scale --units 4000 --clusters 400 --years 10`, timed). BENCH_REUSE=1 keeps them
   when they exist (a second run then takes minutes, not ten).
2. For each: the query count of every main page (in process, bench/queries.py), then gunicorn
   with 2 sync workers on loopback (deploy/gunicorn.conf.py, bench/settings.py adds the bare
   /_bench/hello/ page) and wrk on each page and on the hello page, as the same logged-in
   parent staff. Every ratio is a page's requests per second over the hello page's, measured by
   the same server in the same run (the mean of a hello run before and after the pages).
3. Documents against a one-page WeasyPrint document (bench/documents.py, seed database);
   peak memory of a worker sealing a national agreement and exporting the national
   comparison to Excel (bench/memory.py, national database).
4. docs/benchmarks.json (the issue's shape) and docs/benchmarks.md.

Loopback only; every wrk run is bounded (BENCH_SECONDS, default 10 s, after a 2 s warm-up).
"""

import datetime
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make `bench` importable

from demo.pki import running  # noqa: E402 (after the path)

BIN = Path(sys.executable).parent
DOCS = ROOT / "docs"
SEED_DB = os.environ.get("BENCH_DB_SEED", "thidua_bench_seed")
NATIONAL_DB = os.environ.get("BENCH_DB_NATIONAL", "thidua_bench_national")
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
WARMUP = int(os.environ.get("BENCH_WARMUP", 2))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 8))
THREADS = int(os.environ.get("BENCH_THREADS", 2))
REUSE = os.environ.get("BENCH_REUSE", "0") == "1"
SCALE = ["--units", "4000", "--clusters", "400", "--years", "10"]
PASSWORD = "thidua-demo"  # demo.foundation.DEMO_PASSWORD (both datasets)
DOCUMENTS = ["seed_agreement", "sealed_agreement", "minutes", "submission"]


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases -----------------------------------------------------------------------------


def database_url(name):
    """DATABASE_URL (or the local server) pointing at database `name`."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thidua")
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}", query=""))


def admin_connection():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def database_exists(name):
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def recreate(name):
    from psycopg import sql

    with admin_connection() as conn:
        name = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def environment(db, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(db),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "BENCH": "1",
    }
    env.update(extra)
    return env


def manage(db, *args, debug=False, **extra):
    env = environment(db, **extra)
    if debug:
        env["DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare(db, build):
    """Build `db` unless it exists and BENCH_REUSE=1; return the seconds the build took."""
    if REUSE and database_exists(db):
        log(f"reusing database {db}")
        return None
    log(f"creating database {db}")
    recreate(db)
    manage(db, "migrate", "--no-input", "-v", "0")
    return build(db)


def build_seed(db):
    started = time.monotonic()
    manage(db, "seed_demo", debug=True)
    return round(time.monotonic() - started, 1)


def build_national(db):
    log("building the national dataset (seed_scale " + " ".join(SCALE) + ")")
    started = time.monotonic()
    out = manage(db, "seed_scale", *SCALE, debug=True)
    wall = round(time.monotonic() - started, 1)
    built = re.search(r"built in ([\d.]+) s \(([\d,]+) rows\)", out)
    log(out.strip().splitlines()[-2] if out.strip() else "built")
    return {
        "seconds": float(built.group(1)) if built else wall,
        "rows": int(built.group(2).replace(",", "")) if built else None,
        "command_seconds": wall,
    }


# --- one server ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the production configuration, 2 sync workers, on a loopback port."""

    def __init__(self, db, static_root):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = environment(
            db,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS="2",
            GUNICORN_ACCESS_LOG="",
            GUNICORN_MAX_REQUESTS="0",
            STATIC_ROOT=static_root,
            STATIC_MANIFEST="1",
        )
        self.process = None

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/_bench/hello/")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.__exit__()
        self.log.seek(0)
        raise RuntimeError("gunicorn did not start:\n" + self.log.read().decode()[-3000:])

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def get(self, path, cookie="", data=None, headers=None):
        """(status, body, Set-Cookie headers) without following redirects."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if cookie:
            request.add_header("Cookie", cookie)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.headers.get_all("Set-Cookie")
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get_all("Set-Cookie")

    def login(self, username):
        """Log in through the real form; return the Cookie header of the session."""
        status, body, cookies = self.get("/accounts/login/")
        jar = SimpleCookie()
        for header in cookies or []:
            jar.load(header)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        csrf = f"csrftoken={jar['csrftoken'].value}"
        status, _body, cookies = self.get(
            "/accounts/login/",
            cookie=csrf,
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        for header in cookies or []:
            jar.load(header)
        if status != 302 or "sessionid" not in jar:
            raise RuntimeError(f"log-in as {username} failed (status {status})")
        return f"sessionid={jar['sessionid'].value}; {csrf}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url, cookie, seconds):
    """One wrk run; its JSON line (bench/report.lua)."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        url,
    ]
    out = subprocess.run(
        command,
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    return json.loads(out.split("BENCH_JSON", 1)[1])


def load(server, cookie, path):
    if WARMUP:
        wrk(server.base + path, cookie, WARMUP)
    result = wrk(server.base + path, cookie, SECONDS)
    if result["errors"] or result["non_2xx"]:
        raise RuntimeError(f"{path}: {result['errors']} errors, {result['non_2xx']} non-2xx")
    return result


def measure_dataset(db, username, static_root):
    queries = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.queries", username],
            cwd=ROOT,
            env=environment(db, STATIC_ROOT=static_root),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    with Server(db, static_root) as server:
        cookie = server.login(username)
        for name, path in queries["urls"].items():
            status = server.get(path, cookie)[0]
            if status != 200:
                raise RuntimeError(f"{name} {path}: status {status} before the load")
        hello_before = load(server, cookie, "/_bench/hello/")
        log(f"{db}: hello {hello_before['rps']:.0f} req/s")
        pages = {}
        for name, path in queries["urls"].items():
            pages[name] = load(server, cookie, path)
            log(f"{db}: {name} {pages[name]['rps']:.1f} req/s, p95 {pages[name]['p95_ms']} ms")
        hello_after = load(server, cookie, "/_bench/hello/")
        log(f"{db}: hello again {hello_after['rps']:.0f} req/s")
    hello = statistics.mean([hello_before["rps"], hello_after["rps"]])
    for result in pages.values():
        result["ratio"] = round(result["rps"] / hello, 3)
    return {
        "hello": {"before": hello_before, "after": hello_after, "rps": round(hello, 1)},
        "pages": pages,
        "queries": queries["queries"],
        "bytes": queries["bytes"],
        "lists": queries["lists"],
        "breakdown": queries["breakdown"],
        "urls": queries["urls"],
    }


def previous_build():
    """The national build of the run that made the reused database, if it was recorded."""
    try:
        build = json.loads((DOCS / "benchmarks.raw.tmp").read_text()).get("national_build")
    except (OSError, ValueError):
        return None
    return {**build, "reused": True} if build else None


def run_module(module, db, *args):
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=environment(db),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def collectstatic(static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment(SEED_DB, STATIC_ROOT=static_root, STATIC_MANIFEST="1"),
        check=True,
    )


# --- the report ----------------------------------------------------------------------------


def machine():
    load1, load5, _load15 = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_1_5": [round(load1, 1), round(load5, 1)],
    }


def write_report(results):
    from bench import report

    national, seed = results["national"], results["seed"]
    data = {
        "pages": {
            name: {
                "ratio": national["pages"][name]["ratio"],
                "p95_ms": national["pages"][name]["p95_ms"],
                "queries_seed": seed["queries"][name],
                "queries_national": national["queries"][name],
                "median_ms": national["breakdown"][name]["median_ms"],
            }
            for name in national["pages"]
        },
        "documents": {
            name: {"ratio_per_page": results["documents"][name]["ratio_per_page"]}
            for name in DOCUMENTS
        },
        "memory_mb": {name: m["peak_rss_mb"] for name, m in results["memory"].items()},
        "signing": results["signing"],
        "verification": results["verification"],
        "passwords": results["passwords"],
        "middleware": results["middleware"],
        "word": results["word"],
    }
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (DOCS / "benchmarks.md").write_text(report.markdown(data, results))
    log("wrote docs/benchmarks.json and docs/benchmarks.md")
    return data


def main():
    started = time.monotonic()
    results = {"started": datetime.datetime.now().isoformat(timespec="seconds")}
    results["settings"] = {
        "seconds": SECONDS,
        "warmup": WARMUP,
        "connections": CONNECTIONS,
        "threads": THREADS,
        "workers": 2,
    }
    results["machine_before"] = machine()
    # The demo PKI's OCSP, CRL and timestamp services (the seed's digital signatures are checked
    # against them, and so is the signing benchmark), for the whole run.
    services = running.start(environment(SEED_DB))
    try:
        return _measure(results, started)
    finally:
        running.stop(services)


def _measure(results, started):
    results["seed_build_seconds"] = prepare(SEED_DB, build_seed)
    results["national_build"] = prepare(NATIONAL_DB, build_national) or previous_build()
    with tempfile.TemporaryDirectory(prefix="thidua-static-") as static_root:
        collectstatic(static_root)
        results["seed"] = measure_dataset(SEED_DB, "bantt", static_root)
        results["national"] = measure_dataset(NATIONAL_DB, "scale.t01.staff", static_root)
    log("documents")
    results["documents"] = run_module("bench.documents", SEED_DB)
    log("digital signing")
    results["signing"] = run_module("bench.signing", SEED_DB)
    log("public verification of a crafted file")
    results["verification"] = run_module("bench.verification", SEED_DB)
    log("word and pdf")
    results["word"] = run_module("bench.word", SEED_DB)
    log("middleware")
    results["middleware"] = run_module("bench.middleware", SEED_DB, "bantt")
    log("password checks")
    results["passwords"] = run_module("bench.passwords", SEED_DB)
    log("memory")
    results["memory"] = {
        job: run_module("bench.memory", NATIONAL_DB, job) for job in ("sealing", "comparison_excel")
    }
    results["machine_after"] = machine()
    results["minutes"] = round((time.monotonic() - started) / 60, 1)
    (DOCS / "benchmarks.raw.tmp").write_text(json.dumps(results, indent=2, default=str))
    data = write_report(results)
    pages = data["pages"].items()
    failed = [name for name, page in pages if page["queries_seed"] != page["queries_national"]]
    if failed:
        log(f"query counts differ between the seed and national scale: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
