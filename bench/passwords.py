"""What one password check costs a core: the project's hasher against PBKDF2 and Django's own
Argon2 defaults (docs/deploy.md, "Passwords").

    python -m bench.passwords   → JSON on stdout

Each hasher hashes a password once, then checks it ROUNDS times; the figure is the median CPU
time (process_time, every thread of the process) of one check, so it does not depend on how
busy the machine is as much as a wall-clock time would.
"""

import json
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_PASSWORD_ROUNDS", 5))
PASSWORD = "Cụm-thi-đua-2026!"


def cpu_ms_per_check(hasher):
    encoded = hasher.encode(PASSWORD, hasher.salt())
    times = []
    for _round in range(ROUNDS):
        started = time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        times.append(time.process_time() - started)
    return round(statistics.median(times) * 1000, 1)


def measure():
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        get_hasher,
    )

    configured = get_hasher()
    pbkdf2 = PBKDF2PasswordHasher()
    django_argon2 = Argon2PasswordHasher()
    return {
        "configured": {
            "hasher": f"{type(configured).__module__}.{type(configured).__qualname__}",
            "params": _params(configured),
            "cpu_ms": cpu_ms_per_check(configured),
        },
        "pbkdf2": {"params": _params(pbkdf2), "cpu_ms": cpu_ms_per_check(pbkdf2)},
        "django_argon2": {
            "params": _params(django_argon2),
            "cpu_ms": cpu_ms_per_check(django_argon2),
        },
        "rounds": ROUNDS,
    }


def _params(hasher):
    if hasattr(hasher, "memory_cost"):
        return (
            f"Argon2id m={hasher.memory_cost // 1024} MiB, t={hasher.time_cost}, "
            f"p={hasher.parallelism}"
        )
    if hasattr(hasher, "iterations"):
        return f"{hasher.algorithm}, {hasher.iterations:,} iterations"
    return hasher.algorithm


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    json.dump(measure(), sys.stdout)


if __name__ == "__main__":
    main()
