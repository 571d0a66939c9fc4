"""Digital signing: accepting the twelfth signature of an agreement, and the closed file's size.

    DATABASE_URL=<seed database> python -m bench.signing   → JSON on stdout

On the seed demo's 2021 agreement (opened in mixed mode, Hoàn Kiếm's two signatures on it), four
more units sign with their chairs' and organisations' demo keys and Ba Đình's chair signs: eleven
signatures. Then, ROUNDS times from that same revision (a savepoint rolled back each time), Ba
Đình's clerk applies the organisation signature as the product does it (services.organisation_sign:
the server's key signs the field, then services.revision_accept checks the new revision — every
earlier signature validated, the difference analysis, the certificate, revocation by OCSP/CRL — and
stores it). The signing and the acceptance are timed apart; the goal of issue 16 is on the
acceptance. Last, the closing signature is added to the twelve-signature file as the seal task does
(closing.close_file) and the file's size reported.

Everything runs in one transaction rolled back at the end; the revision files written meanwhile are
deleted. The demo PKI's OCSP, CRL and timestamp services answer on loopback (bench/run.py starts
them): a real CA's OCSP responder adds its network round trip to each revocation check, which this
figure leaves out, as it leaves out the signer's time at a remote provider.
"""

import json
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_SIGNING_ROUNDS", 3))
OTHERS = ["haibatrung", "dongda", "longbien", "hoangmai"]
LAST = "badinh"


class Demo:
    """The demo's users and units by the district user names (what demo.digital expects)."""

    def user(self, username):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)

    def unit(self, username):
        from clusters.models import Position

        return (
            Position.objects.current()
            .select_related("unit")
            .get(person__user__username=username, title=Position.Title.CHAIR)
            .unit
        )


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def measure():
    from django.db import transaction

    from agreements.models import Agreement
    from agreements.signing.digital import closing, pdf, selectors, services
    from agreements.signing.digital.models import DocumentRevision, SignatureSlot
    from demo import digital

    demo = Demo()
    agreement = Agreement.objects.get(
        cluster_year__year=2021, cluster_year__signing_mode=Agreement.SigningMode.MIXED
    )
    existing = set(DocumentRevision.objects.values_list("file", flat=True))
    written = set()
    sign_times, accept_times = [], []
    result = {}
    try:
        with transaction.atomic():
            for username in OTHERS:
                digital.sign_unit(demo, agreement, username)
            digital.sign_unit(demo, agreement, LAST, organisation=False)
            assert (
                DocumentRevision.objects.filter(
                    agreement=agreement, kind=DocumentRevision.Kind.SIGNATURE
                ).count()
                == 11
            )
            field = SignatureSlot.objects.get(
                agreement=agreement,
                unit=demo.unit(LAST),
                kind=SignatureSlot.Kind.ORGANISATION,
            )
            clerk = demo.user(f"vanthu.{LAST}")
            key = selectors.organisation_key(field.unit)
            for _round in range(ROUNDS + 1):  # the first round warms the caches up
                point = transaction.savepoint()
                turn = services.turn_request(
                    actor=clerk,
                    agreement=agreement,
                    slot=field,
                    channel=DocumentRevision.Channel.SERVER_KEY,
                )
                data, signing = _timed(
                    pdf.sign,
                    selectors.read_revision(turn.base_revision),
                    field.name,
                    services.organisation_signer_of(key),
                    services.organisation_appearance(field.unit),
                    reason=services.REASON,
                    location=agreement.place or "",
                )
                _revision, accepting = _timed(
                    services.revision_accept,
                    actor=clerk,
                    turn=turn,
                    data=data,
                    channel=DocumentRevision.Channel.SERVER_KEY,
                )
                if _round:
                    sign_times.append(signing)
                    accept_times.append(accepting)
                written.update(DocumentRevision.objects.values_list("file", flat=True))
                transaction.savepoint_rollback(point)
            digital.sign_unit(demo, agreement, LAST)  # the twelfth, kept for the closing
            written.update(DocumentRevision.objects.values_list("file", flat=True))
            twelve = selectors.read_revision(selectors.latest_revision(agreement))
            final, closing_time = _timed(closing.close_file, agreement)
            result = {
                "signatures_before": 11,
                "rounds": ROUNDS,
                "accept_twelfth_s": round(statistics.median(accept_times), 3),
                "accept_twelfth_max_s": round(max(accept_times), 3),
                "sign_twelfth_server_key_s": round(statistics.median(sign_times), 3),
                "closing_s": round(closing_time, 3),
                "twelve_signatures_bytes": len(twelve),
                "final_bytes": len(final),
                "revisions": DocumentRevision.objects.filter(agreement=agreement).count(),
            }
            transaction.set_rollback(True)
    finally:
        _delete(written - existing)
    return result


def _delete(names):
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    json.dump(measure(), sys.stdout)


if __name__ == "__main__":
    main()
