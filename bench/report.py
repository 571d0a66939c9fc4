"""docs/benchmarks.md from a run's results (bench/run.py); bench/notes.md is the analysis."""

from pathlib import Path

NOTES = Path(__file__).resolve().parent / "notes.md"
GOAL_PAGE, GOAL_DOCUMENT = 0.05, 1.5
GOAL_MEDIAN_MS, GOAL_QUERIES = 20, 12  # a page in process at national scale; its queries
GOAL_ACCEPT_SECONDS = 1.0  # accepting the twelfth digital signature (issue 16)
LABELS = {
    "dashboard": "Dashboard (Việc cần làm)",
    "year_overview": "Parent's year overview",
    "cluster_year": "Cluster year",
    "agreement": "Agreement",
    "signing": "Signing status",
    "results": "Results of the year-end review",
    "parent_comparison": "Parent's comparison",
    "award_summary": "Parent's award summary",
    "seed_agreement": "Seed agreement (render)",
    "sealed_agreement": "Sealed agreement (render and seal)",
    "minutes": "Minutes of the year-end meeting",
    "submission": "Covering submission (tờ trình)",
    "sealing": "Sealing a national agreement",
    "comparison_excel": "National comparison to Excel",
}


def _mark(met):
    return "met" if met else "**not met**"


def page_met(page):
    """A page's three goals at national scale (docs/benchmarks.json's page entry)."""
    return (
        page["ratio"] >= GOAL_PAGE
        and page["median_ms"] <= GOAL_MEDIAN_MS
        and page["queries_national"] <= GOAL_QUERIES
        and page["queries_seed"] == page["queries_national"]
    )


def markdown(data, results):
    seed, national = results["seed"], results["national"]
    build = results.get("national_build") or {}
    settings = results["settings"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand — the analysis comes from",
        "bench/notes.md. Machine-readable: docs/benchmarks.json.",
        "",
        f"- Run: {results['started']}, {results['minutes']} minutes in all.",
        f"- Machine: {results['machine_before']['cpus']} CPUs, Python "
        f"{results['machine_before']['python']}; load average (1 min, 5 min) "
        f"{results['machine_before']['load_average_1_5']} before the run and "
        f"{results['machine_after']['load_average_1_5']} after it. The machine is shared: "
        "absolute numbers move with its load, ratios much less.",
        f"- Server: gunicorn, {settings['workers']} sync workers, loopback, production settings "
        "(DEBUG off, manifest static files, persistent database connections); wrk "
        f"{settings['threads']} threads, {settings['connections']} connections, "
        f"{settings['warmup']} s warm-up then {settings['seconds']} s per page, logged in as "
        "parent staff (seed: `bantt`, Hà Nội; national: `scale.t01.staff`, a province of "
        "about 117 communes in 12 clusters).",
    ]
    if build:
        lines.append(
            f"- National dataset (`seed_scale --units 4000 --clusters 400 --years 10`): "
            f"{build.get('rows') or 0:,} rows built in {build['seconds']} s "
            f"(goal: under 180 s — {_mark(build['seconds'] < 180)})"
            + (", in the earlier run whose database was reused." if build.get("reused") else ".")
        )
    else:
        lines.append("- National dataset: reused from an earlier run (BENCH_REUSE=1).")
    lines += [
        "",
        "## Pages",
        "",
        f"Ratio: the page's requests per second over the bare hello page's, same server, same "
        f"run (hello: {seed['hello']['rps']:.0f} req/s in the seed run, "
        f"{national['hello']['rps']:.0f} req/s in the national run). Every page is rendered on "
        "every request (nothing is stored between requests but the rendered content of an "
        "adopted agreement, keyed by its content hash) for one logged-in session. In process: "
        "the median of one request at a time through Django's test client (production "
        "settings). Queries: counted in process for the same page kind at both sizes (they "
        f"must be equal). Goals at national scale: ratio ≥ {GOAL_PAGE}, median ≤ "
        f"{GOAL_MEDIAN_MS} ms in process, at most {GOAL_QUERIES} queries.",
        "",
        "| Page | Queries seed | Queries national | Seed ratio | National req/s | "
        "National ratio | p50 ms | p95 ms | In process median ms (seed, national) | Goal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, page in data["pages"].items():
        n, s = national["pages"][name], seed["pages"][name]
        equal = page["queries_seed"] == page["queries_national"]
        lines.append(
            f"| {LABELS[name]} | {page['queries_seed']} | {page['queries_national']}"
            f"{'' if equal else ' ≠'} | {s['ratio']:.2f} | {n['rps']:.1f} | {n['ratio']:.2f} | "
            f"{n['p50_ms']:.0f} | {n['p95_ms']:.0f} | "
            f"{seed['breakdown'][name]['median_ms']}, {page['median_ms']} | "
            f"{_mark(page_met(page))} |"
        )
    lines += [
        "",
        "Where a request's time goes, in process (Django's test client, one request at a time, "
        "milliseconds, the mean of the requests timed with the timers in place; SQL timed "
        "around each query, templates around the outermost render less the SQL run from inside "
        "it, Python is the rest: views, the ORM building queries, middleware):",
        "",
        "| Page | Seed total | SQL | Templates | Python | National total | SQL | Templates | "
        "Python |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in data["pages"]:
        a, b = seed["breakdown"][name], national["breakdown"][name]
        lines.append(
            f"| {LABELS[name]} | {a['total_ms']} | {a['sql_ms']} | {a['template_ms']} | "
            f"{a['python_ms']} | {b['total_ms']} | {b['sql_ms']} | {b['template_ms']} | "
            f"{b['python_ms']} |"
        )
    lines += [
        "",
        "Response sizes (bytes), seed → national: "
        + ", ".join(
            f"{name} {seed['bytes'][name]:,} → {national['bytes'][name]:,}"
            for name in data["pages"]
        )
        + ".",
        "",
        "## Documents",
        "",
        "Time per page relative to a one-page WeasyPrint document rendered in the same process "
        f"(median of the rounds; the one-page document took "
        f"{results['documents']['one_page']['seconds']:.2f} s). Goal: ≤ {GOAL_DOCUMENT}.",
        "",
        "| Document | Pages | Seconds | Seconds per page | Ratio per page | Goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, doc in data["documents"].items():
        raw = results["documents"][name]
        lines.append(
            f"| {LABELS[name]} | {raw['pages']} | {raw['seconds']:.2f} | "
            f"{raw['seconds_per_page']:.3f} | {doc['ratio_per_page']:.2f} | "
            f"{_mark(doc['ratio_per_page'] <= GOAL_DOCUMENT)} |"
        )
    sealed = results["documents"]["sealed_agreement"]
    if "render_seconds" in sealed:
        lines += [
            "",
            f"The sealed agreement's {sealed['seconds']:.2f} s: rendering the final document "
            f"(signature images, signing record, QR code) {sealed['render_seconds']:.2f} s, then "
            f"the PAdES seal {sealed['seal_seconds']:.2f} s.",
        ]
    signing = results.get("signing")
    if signing:
        lines += [
            "",
            "## Digital signing",
            "",
            "The twelfth signature of an agreement (Ba Đình's organisation signature, with the key "
            "the server holds for it) over eleven earlier ones, as bench/signing.py describes: "
            f"accepting it — every earlier signature validated, the difference analysis, the "
            f"certificate and its revocation checked, the revision stored — took "
            f"{signing['accept_twelfth_s']:.2f} s (median of {signing['rounds']}, slowest "
            f"{signing['accept_twelfth_max_s']:.2f} s; goal under {GOAL_ACCEPT_SECONDS:.0f} s: "
            f"{_mark(signing['accept_twelfth_s'] < GOAL_ACCEPT_SECONDS)}); making the signature "
            f"itself {signing['sign_twelfth_server_key_s']:.2f} s. The closing signature "
            f"{signing['closing_s']:.2f} s. File sizes: twelve signatures "
            f"{signing['twelve_signatures_bytes']:,} bytes, closed "
            f"{signing['final_bytes']:,} bytes ({signing['revisions']} revisions). Revocation "
            "is checked against the demo PKI on loopback: a real CA's OCSP responder adds its "
            "network round trip, and a remote signer's time at the provider is not counted.",
        ]
    verifying = results.get("verification")
    if verifying:
        lines += [
            "",
            "## Public verification of a crafted file",
            "",
            f"A sealed demo agreement followed by {verifying['updates']:,} empty incremental "
            f"updates ({verifying['crafted_bytes']:,} bytes), given to the public page's check as "
            f"bench/verification.py describes: verdict in {verifying['crafted_verdict_s']:.3f} s "
            f"(median of {verifying['rounds']}; reason {', '.join(verifying['crafted_reason'])}; "
            f"goal under {verifying['goal_s']:.0f} s: {_mark(verifying['met'])}). The genuine "
            f"sealed file's verdict: {verifying['genuine_verdict_s']:.3f} s.",
        ]
    word = results.get("word")
    if word:
        lines += [
            "",
            "## Word and PDF of the same document",
            "",
            "Each document produced both ways from the seed demo's rows, median of "
            f"{word['rounds']} (bench/word.py; rendering only, the prepared-file queue is the "
            "same for both). Goal: "
            "the Word file within the PDF's time.",
            "",
            "| Document | PDF s | Word s | Goal |",
            "|---|---:|---:|---|",
        ]
        for name, row in word["documents"].items():
            lines.append(
                f"| {name.replace('_', ' ')} | {row['pdf_s']:.2f} | {row['word_s']:.2f} | "
                f"{_mark(row['met'])} |"
            )
    middleware = results.get("middleware")
    if middleware:
        lines += [
            "",
            "## Middleware",
            "",
            "CPU per logged-in request of the bare hello page as each middleware joins the "
            f"stack (median of {middleware['rounds']}, microseconds, bench/middleware.py): "
            f"{middleware['no_middleware_us']:,} without any, {middleware['full_stack_us']:,} "
            "with all. Differences of about a hundred either way are noise.",
            "",
            "| Middleware | µs |",
            "|---|---:|",
        ]
        lines += [f"| `{name}` | {us:,} |" for name, us in middleware["each_us"].items()]
    passwords = results.get("passwords")
    if passwords:
        configured = passwords["configured"]
        lines += [
            "",
            "## Password checks",
            "",
            f"CPU time of one password check (median of {passwords['rounds']}, "
            f"bench/passwords.py): the configured hasher ({configured['params']}) "
            f"{configured['cpu_ms']:.1f} ms; "
            f"PBKDF2 at Django's default ({passwords['pbkdf2']['params']}) "
            f"{passwords['pbkdf2']['cpu_ms']:.1f} ms; Django's Argon2 defaults "
            f"({passwords['django_argon2']['params']}) {passwords['django_argon2']['cpu_ms']:.1f} "
            "ms. docs/deploy.md, section Passwords, explains the choice.",
        ]
    lines += [
        "",
        "## Memory",
        "",
        "Peak resident size of one worker process (Django loaded, then the job), on the national "
        "dataset; the Python allocations of the job alone were traced with tracemalloc (which "
        "also slows the job, so its time here is not a benchmark).",
        "",
        "| Job | Peak RSS MB | RSS before the job MB | Python peak of the job MB | Detail |",
        "|---|---:|---:|---:|---|",
    ]
    for name, memory in results["memory"].items():
        detail = ", ".join(
            f"{k} {v:,}" for k, v in memory.items() if k in ("rows", "bytes") and v is not None
        )
        lines.append(
            f"| {LABELS[name]} | {memory['peak_rss_mb']} | {memory['rss_before_mb']} | "
            f"{memory['python_peak_mb']} | {detail} |"
        )
    lines += [
        "",
        "## List pages at national scale",
        "",
        "Rows shown on the first page to the province's staff (tables and lists; the comparison "
        "counts its cluster summary lines too). Lists show at most 50 rows a page.",
        "",
        "| List | Rows shown | Paginated |",
        "|---|---:|---|",
    ]
    for name, item in national["lists"].items():
        lines.append(f"| {name} (`{item['url']}`) | {item['rows']} | {item['paginated']} |")
    lines += ["", NOTES.read_text().strip(), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    # Rewrite docs/benchmarks.md from the last run's raw results (after editing bench/notes.md).
    import json
    import sys

    docs = Path(__file__).resolve().parent.parent / "docs"
    raw = json.loads((docs / "benchmarks.raw.tmp").read_text())
    data = json.loads((docs / "benchmarks.json").read_text())
    (docs / "benchmarks.md").write_text(markdown(data, raw))
    sys.stdout.write("docs/benchmarks.md rewritten\n")
