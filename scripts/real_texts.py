"""Rebuild the texts of ../shared/data/real from excerpts saved by hand from the search tool's pages corpus.

Each excerpt is saved as `.cache/real/raw/<ID>.json`: the JSON string of the result's `excerpt`, exactly
as the search tool returned it (quotes and escapes included). This script strips the store's leading
`date YYYY-MM[-DD]` tag and the surrounding whitespace, checks `chars` and `sha256` against
`articles.jsonl`, and writes the texts that match (and, with --keep-mismatch, those that do not, noted)
to `.cache/real/texts.jsonl`.

    python scripts/real_texts.py check P01 P02      # check some saved excerpts
    python scripts/real_texts.py build              # write .cache/real/texts.jsonl

The clusters the project labelled itself (`data/real-extra/<CLUSTER>/`, labelled blind to the linker
as a check on clusters no fit has seen) are rebuilt the same way, one folder each:

    python scripts/real_texts.py build --real data/real-extra/V --raw .cache/real-extra/V/raw \
        --out .cache/real-extra/V/texts.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
RAW = ROOT / ".cache" / "real" / "raw"
OUT = ROOT / ".cache" / "real" / "texts.jsonl"
DATE_TAG = re.compile(r"^\s*date \d{4}-\d{2}(-\d{2})?")


def articles(real: Path = REAL) -> dict[str, dict]:
    with open(real / "articles.jsonl", encoding="utf-8") as f:
        return {a["id"]: a for a in map(json.loads, f)}


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8").strip()
    excerpt = json.loads(raw) if raw.startswith('"') else raw
    return DATE_TAG.sub("", excerpt, count=1).strip()


def check(ident: str, meta: dict, raw: Path = RAW) -> tuple[bool, str]:
    path = raw / f"{ident}.json"
    if not path.exists():
        return False, "missing"
    text = text_of(path)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ok = sha == meta["sha256"]
    return ok, f"chars {len(text)} (want {meta['chars']}), sha256 {'ok' if ok else 'MISMATCH'}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["check", "build"])
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--keep-mismatch", action="store_true")
    parser.add_argument("--real", type=Path, default=REAL, help="the labels' folder (articles.jsonl)")
    parser.add_argument("--raw", type=Path, default=RAW, help="the saved excerpts, <ID>.json")
    parser.add_argument("--out", type=Path, default=OUT, help="the texts file to write")
    args = parser.parse_args()
    meta = articles(args.real)
    ids = args.ids or sorted(meta)
    if args.command == "check":
        for ident in ids:
            ok, why = check(ident, meta[ident], args.raw)
            print(f"{ident}: {'OK' if ok else 'NO'} {why}")
        return 0
    rows, counts = [], {"ok": 0, "mismatch": 0, "missing": 0}
    for ident in ids:
        ok, why = check(ident, meta[ident], args.raw)
        if why == "missing":
            counts["missing"] += 1
            continue
        counts["ok" if ok else "mismatch"] += 1
        if ok or args.keep_mismatch:
            rows.append({"id": ident, "text": text_of(args.raw / f"{ident}.json")})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts written to {args.out} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
