"""Count the queries of each main page, in process (Django's test client), and list sizes.

DATABASE_URL=… python -m bench.queries USERNAME   → JSON on stdout
"""

import json
import os
import re
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
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
