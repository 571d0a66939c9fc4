"""The public verification page under a crafted file: how long until its verdict.

    DATABASE_URL=<seed database> python -m bench.verification   → JSON on stdout

The crafted file is a sealed demo agreement followed by UPDATES empty incremental updates (each a
cross-reference section of no entries, a trailer naming the previous one, %%EOF): about 2 MB
that a PDF parser must walk revision by revision. It is given to the page's check
(verification.verify_upload, the bounds of settings VERIFY_* first) ROUNDS times, and so is the
genuine sealed file for comparison. Goal (issue 14): a verdict in under 2 s.
"""

import json
import os
import re
import statistics
import sys
import time

UPDATES = int(os.environ.get("BENCH_VERIFY_UPDATES", 20_000))
ROUNDS = int(os.environ.get("BENCH_VERIFY_ROUNDS", 3))
GOAL_SECONDS = 2.0


def crafted(sealed, updates=UPDATES):
    """`sealed` followed by `updates` empty incremental updates, each naming the one before."""
    trailer = sealed[sealed.rindex(b"trailer") :] if b"trailer" in sealed else b""
    size = re.search(rb"/Size\s+(\d+)", trailer or sealed[-4096:])
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer or sealed[-4096:])
    previous = int(sealed[sealed.rindex(b"startxref") + 9 :].split()[0])
    size = size.group(1) if size else b"1"
    root = root.group(1) if root else b"1 0 R"
    parts = [sealed if sealed.endswith(b"\n") else sealed + b"\n"]
    offset = len(parts[0])
    for _number in range(updates):
        update = b"xref\n0 0\ntrailer\n<</Size %s /Root %s /Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
            size,
            root,
            previous,
            offset,
        )
        parts.append(update)
        previous = offset
        offset += len(update)
    return b"".join(parts)


def _timed_verdict(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from agreements.signing import verification

    upload = SimpleUploadedFile("giao-uoc.pdf", data, content_type="application/pdf")
    started = time.perf_counter()
    result = verification.verify_upload(upload)
    return result, time.perf_counter() - started


def measure():
    from agreements.signing.models import Seal

    # A simply sealed agreement if there is one (the decided world of the tests), otherwise the
    # seed demo's 2020 agreement, closed after its members' digital signatures.
    sealed_ones = Seal.objects.filter(status=Seal.Status.SEALED).exclude(file="")
    seal = (
        sealed_ones.filter(agreement__signature_slots__isnull=True).order_by("pk").first()
        or sealed_ones.order_by("pk").first()
    )
    with seal.file.open("rb") as handle:
        sealed = handle.read()
    attack = crafted(sealed)
    crafted_times, genuine_times = [], []
    for _round in range(ROUNDS):
        refused, seconds = _timed_verdict(attack)
        assert not refused.authentic
        crafted_times.append(seconds)
        genuine, seconds = _timed_verdict(sealed)
        assert genuine.authentic, genuine.reasons
        genuine_times.append(seconds)
    crafted_s = statistics.median(crafted_times)
    return {
        "updates": UPDATES,
        "crafted_bytes": len(attack),
        "crafted_verdict_s": round(crafted_s, 3),
        "crafted_reason": list(refused.check.codes) or ["-"],
        "genuine_verdict_s": round(statistics.median(genuine_times), 3),
        "rounds": ROUNDS,
        "goal_s": GOAL_SECONDS,
        "met": crafted_s < GOAL_SECONDS,
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    json.dump(measure(), sys.stdout)


if __name__ == "__main__":
    main()
