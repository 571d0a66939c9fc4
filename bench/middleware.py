"""What each middleware costs a logged-in request (issue 18: drop or merge what costs and gives
nothing).

    DATABASE_URL=<seed database> python -m bench.middleware USERNAME   → JSON on stdout

The bare hello page (bench/urls.py) is asked ROUNDS times by a logged-in session through no
middleware, then through the first one, the first two, and so on to the whole stack (each
middleware needs those before it: the session before the user), each in a new test client (its
handler builds the chain from the settings it starts with). A middleware's cost is the median's
growth when it joins, in microseconds of CPU (process_time: every thread of the process, so
the figure moves less with the machine's load than a wall-clock time would).
Differences under the noise (about ten microseconds here) read as zero. What a middleware makes
happen later (the session read when a view first touches `request.user`) is counted where it
happens: in every page's first queries, not here.
"""

import json
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_MIDDLEWARE_ROUNDS", 400))
URL = "/_bench/hello/"


def cpu_us_per_request(client):
    for _warm in range(20):
        client.get(URL)
    times = []
    for _round in range(ROUNDS):
        started = time.process_time()
        client.get(URL)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1_000_000


def measure(username):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    user = get_user_model().objects.get(username=username)

    def client():
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(user)
        return c

    stack = list(settings.MIDDLEWARE)
    medians = []
    for joined in range(len(stack) + 1):
        with override_settings(MIDDLEWARE=stack[:joined]):
            medians.append(cpu_us_per_request(client()))
    return {
        "rounds": ROUNDS,
        "full_stack_us": round(medians[-1]),
        "no_middleware_us": round(medians[0]),
        "each_us": {
            middleware: round(medians[i + 1] - medians[i]) for i, middleware in enumerate(stack)
        },
    }


def main(username):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    json.dump(measure(username), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
