"""Count the queries of each main page, in process (Django's test client), and list sizes.

DATABASE_URL=… python -m bench.queries USERNAME   → JSON on stdout
"""

import json
import os
import re
import statistics
import sys


def main(username):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import targets

    found = targets.find(username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    result = {"urls": found.urls(), "queries": {}, "bytes": {}, "lists": {}}
    for name, url in found.urls().items():
        client.get(url)  # warm caches (content types, templates), as a running worker has
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name} {url}: status {response.status_code}")
        result["queries"][name] = len(captured)
        result["bytes"][name] = len(response.content)
    for name, url in found.lists().items():
        response = client.get(url)
        html = response.content.decode()
        bodies = re.findall(r"<tbody.*?</tbody>", html, re.S)
        rows = sum(len(re.findall(r"<tr[\s>]", body)) for body in bodies)
        rows += len(re.findall(r'<li class="list-group-item[ "]', html))
        result["lists"][name] = {
            "url": url,
            "status": response.status_code,
            "rows": rows,
            "paginated": bool(re.search(r"[?&]page=\d", html)),
        }
    result["breakdown"] = {
        name: breakdown(client, url, REPEAT) for name, url in found.urls().items()
    }
    json.dump(result, sys.stdout)


REPEAT = int(os.environ.get("BENCH_BREAKDOWN_REPEAT", 20))


def breakdown(client, url, repeat):
    """Where one request's time goes, in process (ms): SQL round trips, templates, the rest.

    The goal's figure is the median of `repeat` requests timed with nothing wrapped around
    them; then the parts are the means of `repeat` more requests, with the timers in place.

    SQL is timed around every query (connection.execute_wrapper); templates around the
    outermost Template.render, less the SQL run from inside it (lazy querysets); the rest is
    the view's Python, the ORM building queries, middleware and the test client.
    """
    import time

    from django.db import connection
    from django.template.base import Template

    clock = {"sql": 0.0, "sql_in_template": 0.0, "template": 0.0, "depth": 0}

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            clock["sql"] += spent
            if clock["depth"]:
                clock["sql_in_template"] += spent

    original = Template.render

    def timed_render(self, context):
        clock["depth"] += 1
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            clock["depth"] -= 1
            if not clock["depth"]:
                clock["template"] += time.perf_counter() - started

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    Template.render = timed_render
    try:
        with connection.execute_wrapper(timed_sql):
            started = time.perf_counter()
            for _ in range(repeat):
                client.get(url)
            total = time.perf_counter() - started
    finally:
        Template.render = original
    per = 1000 / repeat
    templates = clock["template"] - clock["sql_in_template"]
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "total_ms": round(total * per, 1),
        "sql_ms": round(clock["sql"] * per, 1),
        "template_ms": round(templates * per, 1),
        "python_ms": round((total - clock["sql"] - templates) * per, 1),
    }


if __name__ == "__main__":
    main(sys.argv[1])
