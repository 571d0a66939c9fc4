from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import scale
from demo.foundation import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Build a national-scale dataset (provinces, units, clusters, years of agreements, "
        "signatures, scores, votes, proposals) with bulk inserts, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=4000, help="Units in all (default 4000).")
        parser.add_argument("--clusters", type=int, default=400, help="Clusters (default 400).")
        parser.add_argument("--years", type=int, default=10, help="Years of history (default 10).")
        parser.add_argument(
            "--provinces", type=int, default=0, help="Parent bodies under the central one."
        )
        parser.add_argument(
            "--criteria", type=int, default=50, help="Criteria per agreement (default 50)."
        )
        parser.add_argument(
            "--last-year", type=int, default=0, help="The year in progress (default: this year)."
        )
        parser.add_argument("--seed", type=int, default=2020, help="Random seed.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale loads demo data (accounts with a known password) and runs only "
                "with DEBUG on."
            )
        if scale.already_built():
            raise CommandError("This database already holds the scale dataset: use a fresh one.")
        sizes = scale.Sizes(
            units=options["units"],
            clusters=options["clusters"],
            years=options["years"],
            provinces=options["provinces"],
            criteria=options["criteria"],
            last_year=options["last_year"],
            seed=options["seed"],
        )
        try:
            sizes.resolved()
        except ValueError as error:
            raise CommandError(str(error)) from None
        verbose = options["verbosity"] > 1
        summary = scale.build(sizes, log=self.stdout.write if verbose else None)
        for label, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale dataset built in {summary.seconds:.1f} s "
                f"({sum(summary.counts.values()):,} rows)."
            )
        )
        self.stdout.write(
            f"Logins (password for all: {DEMO_PASSWORD}): scale.tw.staff (central staff), "
            "scale.t01.staff (a province's staff), scale.t01 (a province's chair), "
            "scale.t01.x0001 (a commune's chair), scale.t01.xem (a viewer)."
        )
