"""The artifact detector's reported figures, computed from the dev corpora and the labelled set.

    python -m unspun.artifacts.eval [--json] [--data DIR] [--labelled FILE] [--show N]

* ``human``: on human-written news (the ``source`` side of the pairs in wmt21-human, wmt21-mt,
  llm-paraphrase, llm-rewrite, and every semeval22-sample article), the share of articles with any
  ``persona``, ``assistant`` or ``prompt-leak`` artifact (the floor is 1 in 200), per corpus.
* ``same_narrative``: on llm-same-narrative (articles written by six models), the share of
  articles flagged, per kind and per model.
* ``labelled``: on the hand-labelled sentences (tests/fixtures/artifacts/labelled.jsonl), recall
  (labelled sentences of a kind found as that kind) and false positives (sentences labelled null
  that get any artifact), per kind and per language.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from ..article import Article
from . import detect

STRICT_KINDS = ("persona", "assistant", "prompt-leak")
HUMAN_SOURCE_CORPORA = ("wmt21-human", "wmt21-mt", "llm-paraphrase", "llm-rewrite")
ALL_SIDES_HUMAN = ("semeval22-sample",)

_REPO = Path(__file__).resolve().parents[3]
DEFAULT_DATA = _REPO.parent / "shared" / "data" / "dev"
DEFAULT_LABELLED = _REPO / "tests" / "fixtures" / "artifacts" / "labelled.jsonl"


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def article_from_record(rec: dict) -> Article:
    """An analysed Article from a corpus record, trusting the record's language (cheaper and
    steadier than re-identifying it)."""
    from ..text.sentences import add_sentences

    article = Article(text=rec["text"], title=rec.get("title"), id=rec["id"], lang=rec.get("lang"),
                      outlet=rec.get("outlet"))
    return add_sentences(article)


def human_articles(data: Path) -> dict[str, list[dict]]:
    """Human-written articles per corpus (see the module docstring for which)."""
    out: dict[str, list[dict]] = {}
    for corpus in HUMAN_SOURCE_CORPORA:
        sources = {p["source"] for p in _read_jsonl(data / corpus / "pairs.jsonl") if "source" in p}
        out[corpus] = [r for r in _read_jsonl(data / corpus / "articles.jsonl") if r["id"] in sources]
    for corpus in ALL_SIDES_HUMAN:
        out[corpus] = _read_jsonl(data / corpus / "articles.jsonl")
    return out


def eval_human(data: Path, show: int = 0) -> dict:
    """Share of human articles with any persona/assistant/prompt-leak artifact, per corpus."""
    report: dict = {"per_corpus": {}, "offenders": []}
    total = flagged = 0
    for corpus, records in human_articles(data).items():
        hits = Counter()
        n_flagged = 0
        for rec in records:
            found = [a for a in detect(article_from_record(rec))["artifacts"] if a["kind"] in STRICT_KINDS]
            if found:
                n_flagged += 1
                hits.update(a["rule"] for a in found)
                if len(report["offenders"]) < max(show, 50):
                    report["offenders"].append({"id": rec["id"], "corpus": corpus,
                                                "artifacts": [(a["rule"], a["text"][:160]) for a in found]})
        report["per_corpus"][corpus] = {"articles": len(records), "flagged": n_flagged,
                                        "rate": round(n_flagged / max(1, len(records)), 4),
                                        "rules": dict(hits)}
        total += len(records)
        flagged += n_flagged
    report["articles"], report["flagged"] = total, flagged
    report["rate"] = round(flagged / max(1, total), 4)
    return report


def eval_same_narrative(data: Path) -> dict:
    """Share of llm-same-narrative articles flagged, overall, per kind and per model."""
    records = _read_jsonl(data / "llm-same-narrative" / "articles.jsonl")
    per_model: dict[str, Counter] = defaultdict(Counter)
    n_model: Counter = Counter()
    rules: Counter = Counter()
    for rec in records:
        model = rec["id"].split(":")[1]
        n_model[model] += 1
        artifacts = detect(article_from_record(rec))["artifacts"]
        kinds = {a["kind"] for a in artifacts}
        rules.update({a["rule"] for a in artifacts})
        per_model[model].update(kinds)
        per_model[model]["any"] += bool(kinds)
        per_model[model]["any-strict"] += bool(kinds & set(STRICT_KINDS))
    totals: Counter = sum(per_model.values(), Counter())
    keys = ("any", "any-strict", "persona", "assistant", "prompt-leak", "engagement", "scrape")

    def shares(counter: Counter, n: int) -> dict:
        return {k: round(counter[k] / max(1, n), 4) for k in keys}

    return {
        "articles": len(records),
        "overall": shares(totals, len(records)),
        "per_model": {m: {"articles": n_model[m], **shares(per_model[m], n_model[m])} for m in sorted(n_model)},
        "rules": dict(rules.most_common()),
    }


def eval_labelled(path: Path, show: int = 0) -> dict:
    """Recall and false positives per kind and per language on the labelled sentences.

    A record: ``{"text", "lang", "kind" (or null), "note", "context" (optional)}``. ``context`` is
    surrounding text placed before the sentence (for cases that depend on the article, such as
    a signed first-person column); only findings inside the labelled sentence count.
    """
    from ..text.sentences import add_sentences

    recs = _read_jsonl(path)
    pos: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (kind, lang) -> [found, total]
    neg: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # lang -> [false positives, total]
    neg_kind: Counter = Counter()
    misses, fps = [], []
    for rec in recs:
        context = rec.get("context", "")
        text = (context + "\n\n" + rec["text"]) if context else rec["text"]
        start = len(text) - len(rec["text"])
        article = add_sentences(Article(text=text, title=rec.get("title"), lang=rec["lang"]))
        found = [a for a in detect(article)["artifacts"] if a["end"] > start]
        kinds = {a["kind"] for a in found}
        if rec["kind"]:
            cell = pos[(rec["kind"], rec["lang"])]
            cell[1] += 1
            if rec["kind"] in kinds:
                cell[0] += 1
            else:
                misses.append(rec)
        else:
            cell = neg[rec["lang"]]
            cell[1] += 1
            if found:
                cell[0] += 1
                neg_kind.update(kinds)
                fps.append({**rec, "found": [(a["rule"], a["text"][:100]) for a in found]})
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (kind, lang), (hit, n) in pos.items():
        per_kind[kind][0] += hit
        per_kind[kind][1] += n
        per_lang[lang][0] += hit
        per_lang[lang][1] += n

    def rate(hit_n):
        return {"found": hit_n[0], "total": hit_n[1], "rate": round(hit_n[0] / max(1, hit_n[1]), 4)}

    n_pos = sum(v[1] for v in per_kind.values())
    n_neg = sum(v[1] for v in neg.values())
    return {
        "positives": n_pos,
        "negatives": n_neg,
        "recall": round(sum(v[0] for v in per_kind.values()) / max(1, n_pos), 4),
        "false_positive_rate": round(sum(v[0] for v in neg.values()) / max(1, n_neg), 4),
        "recall_per_kind": {k: rate(v) for k, v in sorted(per_kind.items())},
        "recall_per_lang": {k: rate(v) for k, v in sorted(per_lang.items())},
        "recall_per_kind_lang": {f"{k}/{lang}": rate(v) for (k, lang), v in sorted(pos.items())},
        "false_positives_per_lang": {k: rate(v) for k, v in sorted(neg.items())},
        "false_positives_per_kind": dict(neg_kind),
        "misses": [{"lang": m["lang"], "kind": m["kind"], "text": m["text"]} for m in misses[:show or 200]],
        "false_positives": fps[:show or 200],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unspun.artifacts.eval", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the dev corpora folder")
    parser.add_argument("--labelled", type=Path, default=DEFAULT_LABELLED, help="the labelled sentences (JSONL)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--show", type=int, default=0, help="list up to N offenders and misses")
    parser.add_argument("--only", choices=("human", "same-narrative", "labelled"), help="one part only")
    args = parser.parse_args(argv)
    report: dict = {}
    if args.only in (None, "human"):
        report["human"] = eval_human(args.data, args.show)
    if args.only in (None, "same-narrative"):
        report["same_narrative"] = eval_same_narrative(args.data)
    if args.only in (None, "labelled") and args.labelled.exists():
        report["labelled"] = eval_labelled(args.labelled, args.show)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if "human" in report:
        h = report["human"]
        print(f"human news: {h['flagged']}/{h['articles']} articles with persona/assistant/prompt-leak ({h['rate']:.2%})")
        for corpus, c in h["per_corpus"].items():
            print(f"  {corpus:18} {c['flagged']:4}/{c['articles']:<5} {c['rules']}")
        for o in h["offenders"][: args.show]:
            print(f"    {o['id']}: {o['artifacts']}")
    if "same_narrative" in report:
        s = report["same_narrative"]
        print(f"llm-same-narrative ({s['articles']} articles): {s['overall']}")
        for model, c in s["per_model"].items():
            print(f"  {model:28} {c}")
    if "labelled" in report:
        lab = report["labelled"]
        print(f"labelled: recall {lab['recall']:.2%} of {lab['positives']}, "
              f"false positives {lab['false_positive_rate']:.2%} of {lab['negatives']}")
        print(f"  per kind: { {k: v['rate'] for k, v in lab['recall_per_kind'].items()} }")
        print(f"  per lang: { {k: v['rate'] for k, v in lab['recall_per_lang'].items()} }")
        print(f"  FP per lang: { {k: v['rate'] for k, v in lab['false_positives_per_lang'].items()} }")
        for m in lab["misses"][: args.show]:
            print(f"    MISS {m['lang']} {m['kind']}: {m['text'][:120]}")
        for f in lab["false_positives"][: args.show]:
            print(f"    FP {f['lang']}: {f['text'][:100]} -> {f['found']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
