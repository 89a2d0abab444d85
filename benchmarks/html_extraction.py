"""HTML extraction throughput: pages per second through ``article_from_html`` (trafilatura main
text, title, date, URL, outlet, raw hash), on the fixture pages and the demo corpus.

    python benchmarks/html_extraction.py [--rounds 5]

Writes ``benchmarks/results/html_extraction.json``. Decoding is included (bytes -> text, as the
readers do); embedding and storing are not. Single process, one core.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_DIRS = [ROOT / "tests" / "fixtures" / "web" / "pages", ROOT / "demo" / "corpus"]
OUT = ROOT / "benchmarks" / "results" / "html_extraction.json"


def pages() -> list[tuple[str, bytes]]:
    found = []
    for folder in PAGE_DIRS:
        for path in sorted(folder.glob("*.htm*")):
            found.append((str(path.relative_to(ROOT)), path.read_bytes()))
    # A long page: the Ledger article with 60 paragraphs and heavy boilerplate, ~100 KB.
    strike = (PAGE_DIRS[0] / "harbour-strike.html").read_text(encoding="utf-8")
    body = strike.split("<article>", 1)[1].split("</article>", 1)[0]
    long_page = strike.replace(body, body * 10).replace("<footer>", "<div class='comments'>"
                                                        + "<div class='c'><p>Reader comment.</p></div>" * 300
                                                        + "</div><footer>")
    found.append(("synthetic/long-page.html", long_page.encode("utf-8")))
    return found


def run(rounds: int) -> dict:
    from unspun.ingest import decode
    from unspun.ingest.html import article_from_html
    from unspun.settings import Settings

    settings = Settings()
    corpus = pages()
    article_from_html(decode(corpus[0][1]), settings)  # warm-up: imports, lxml and trafilatura caches
    per_page: dict[str, list[float]] = {name: [] for name, _ in corpus}
    total_bytes = sum(len(data) for _, data in corpus)
    started = time.perf_counter()
    for _ in range(rounds):
        for name, data in corpus:
            t = time.perf_counter()
            article_from_html(decode(data), settings)
            per_page[name].append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    n = rounds * len(corpus)
    normal = [t for name, ts in per_page.items() if not name.startswith("synthetic") for t in ts]
    return {
        "benchmark": "html_extraction",
        "pages": len(corpus),
        "rounds": rounds,
        "extractions": n,
        "seconds": round(elapsed, 3),
        "pages_per_second": round(n / elapsed, 1),
        "pages_per_second_without_long_page": round(len(normal) / sum(normal), 1),
        "mb_per_second": round(total_bytes * rounds / elapsed / 1e6, 2),
        "median_ms_per_page": {name: round(statistics.median(ts) * 1000, 2) for name, ts in per_page.items()},
        "page_bytes": {name: len(data) for name, data in corpus},
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "note": "2 cores shared with other work"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = run(args.rounds)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("pages", "extractions", "seconds", "pages_per_second",
                                             "pages_per_second_without_long_page", "mb_per_second")}))


if __name__ == "__main__":
    main()
