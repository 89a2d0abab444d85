"""Artifact detection speed on the dev corpora (rules only, no model).

    PYTHONPATH=src python benchmarks/artifacts_speed.py [--data DIR]

Writes benchmarks/results/artifacts_speed.json. Sentence splitting is timed apart from detection,
since the pipeline does it once for every stage.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from unspun.article import Article
from unspun.artifacts import RULES_VERSION, detect
from unspun.artifacts.eval import DEFAULT_DATA, _read_jsonl
from unspun.text.sentences import add_sentences

CORPORA = ("semeval22-sample", "wmt21-human", "llm-rewrite", "llm-same-narrative")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    records = [r for c in CORPORA for r in _read_jsonl(args.data / c / "articles.jsonl")]
    t0 = time.perf_counter()
    articles = [add_sentences(Article(text=r["text"], title=r.get("title"), lang=r["lang"], id=r["id"])) for r in records]
    t1 = time.perf_counter()
    detect(articles[0])  # rule loading and compilation, once per process
    t2 = time.perf_counter()
    found = sum(len(detect(a)["artifacts"]) for a in articles)
    t3 = time.perf_counter()
    chars = sum(len(a.text) for a in articles)
    result = {
        "rules_version": RULES_VERSION,
        "articles": len(articles),
        "characters": chars,
        "artifacts": found,
        "split_ms_per_article": round(1000 * (t1 - t0) / len(articles), 3),
        "first_call_ms": round(1000 * (t2 - t1), 1),
        "detect_ms_per_article": round(1000 * (t3 - t2) / len(articles), 3),
        "detect_articles_per_s": round(len(articles) / (t3 - t2), 1),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    out = Path(__file__).parent / "results" / "artifacts_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
