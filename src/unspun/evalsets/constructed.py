"""Real-world derivations constructed from the dev corpora's real documents.

The dev corpora pair whole documents one to one; real news is not like that. This module builds,
deterministically from a seed, labelled cases of what real derivations look like (see
``docs/constructed.md`` for the recipe and why):

``excerpt``
    One side carries only the first part of the other: the first 2-5 segments of a human
    translation (WMT21, segments numbered alike on both sides) as a teaser ending in "Read more",
    a feed summary or a page cut mid-sentence, against the whole source; or the source itself
    known only by its first part (the founding example's case), against a whole translation.
``partial``
    2-5 consecutive segments of a translation (or, in one language, of the source itself) placed
    inside another article of the same language on another story (a host: a whole WMT21 document
    that no other case uses).
``short``
    A 2-5 segment brief translated or copied from the middle of a long source.
``furniture``
    A whole translation with real-looking page furniture between its paragraphs: photo captions
    and credits, bylines, view counters, timestamps, share and cookie text, URL fragments.
``several``
    A host article with passages of two sources, one in each half: it derives from both.

Every case uses documents no other case uses, so a link not in ``pairs`` is wrong. Records and pairs are in the dev corpus format
(``{"derived", "source", "label", "phenomenon"}``).
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

PHENOMENA = ("excerpt", "partial", "short", "furniture", "several")

# Page furniture as scrapers keep it, in the languages of the cases (captions, credits, bylines,
# counters, timestamps, share and cookie lines, URL fragments, "read more" links).
FURNITURE = {
    "en": ["FILE PHOTO: A view shows the building in the city centre, June 24, 2021. REUTERS/Stringer/File Photo",
           "© Sergei Supinsky / AFP via Getty Images", "By Jane Miller, Reuters", "Views: 12,874",
           "Updated June 6, 2021 at 4:57 AM ET", "Share on Facebook Share on Twitter Share via Email",
           "We use cookies to improve your experience on our website.",
           "https://www.example-news.com/world/2021/06/24/story-123456/", "Photo: AP Photo/Evgeniy Maloletka",
           "Read more: Latest news from the region", "Advertisement"],
    "de": ["Foto: APA/HANS KLAUS TECHT", "© picture alliance / dpa | Michael Kappeler", "Von Anna Weber, dpa",
           "Aufrufe: 3.412", "Aktualisiert am 24.06.2021, 16:45 Uhr", "Teilen auf Facebook Teilen auf Twitter",
           "Wir verwenden Cookies, um Ihnen die bestmögliche Nutzung unserer Webseite zu ermöglichen.",
           "https://www.beispiel-zeitung.de/politik/2021/06/artikel-98765.html", "Lesen Sie auch: Weitere Nachrichten"],
    "fr": ["PHOTO D'ARCHIVES : vue du bâtiment dans le centre-ville, le 24 juin 2021. REUTERS/Stringer",
           "© Sergei Supinsky / AFP", "Par Marie Dupont, AFP", "Vues : 4 512", "Publié le 24/06/2021 à 16h45",
           "Partager sur Facebook Partager sur Twitter",
           "Ce site utilise des cookies pour améliorer votre expérience de navigation.",
           "https://www.exemple-journal.fr/monde/2021/06/24/article-4567.html", "Lire aussi : Les dernières nouvelles"],
    "is": ["Mynd: Vilhelm Gunnarsson", "© RÚV / Ragnar Visage", "Eftir Jón Jónsson", "Lesið: 2.345 sinnum",
           "Uppfært 24. júní 2021 kl. 16:45", "Deila á Facebook Deila á Twitter",
           "https://www.example.is/frettir/2021/06/24/frett-123/"],
    "ja": ["写真：ロイター", "© 共同通信社", "記者：山田太郎", "閲覧数：12,874", "2021年6月24日 16時45分 更新",
           "Facebookでシェア Twitterでシェア", "https://www.example.jp/news/2021/06/24/article-123.html"],
}


def _read(corpus: Path) -> tuple[dict[str, dict], list[dict]]:
    with open(corpus / "articles.jsonl", encoding="utf-8") as f:
        articles = {a["id"]: a for a in map(json.loads, f)}
    with open(corpus / "pairs.jsonl", encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    return articles, pairs


def _body(article: dict) -> list[str]:
    """The text's segments without the title (WMT21 ``segments[0]`` is the title)."""
    return [s for s in article["segments"][1:] if s.strip()]


def _half(text: str) -> str:
    import hashlib

    return "fit" if int(hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:8], 16) % 2 else "test"


def construct(dev: str | Path, seed: int = 13, per_phenomenon: int = 12,
              split: str = "test") -> tuple[list[dict], list[dict]]:
    """Build the cases from the WMT21 human translations in ``dev``.

    Args:
        dev: the folder holding the dev corpora.
        seed: the cases are a function of the seed.
        split: ``"fit"`` or ``"test"``: each uses its own half of the documents (by a hash of the
            source document's id), so a model fitted on one half is measured on the other.
        per_phenomenon: cases of each phenomenon (each has a cross-language and, where it has
            one, a same-language variant, alternately).
    Returns:
        ``(records, pairs)`` in the dev corpus format; each pair names its ``phenomenon``.
    """
    if split not in ("fit", "test"):
        raise ValueError(f"split must be 'fit' or 'test', got {split!r}")
    dev = Path(dev)
    rng = random.Random(seed)
    wmt, wmt_pairs = _read(dev / "wmt21-human")
    # Translation pairs with enough segments, one per source document, shuffled once.
    # (wmt21 holds its English documents twice, once per language pair: one text is used once.)
    usable, seen = [], set()
    for p in wmt_pairs:
        src, ref = wmt[p["source"]], wmt[p["derived"]]
        texts = {src["text"].strip(), ref["text"].strip()}
        if texts & seen or len(_body(src)) < 10 or len(_body(src)) != len(_body(ref)):
            continue
        if _half(src["text"]) != split:
            continue
        seen |= texts
        usable.append((src, ref))
    rng.shuffle(usable)
    records: list[dict] = []
    pairs: list[dict] = []
    taken = iter(usable)
    spare: list[tuple[dict, dict]] = []

    def pair_in(lang: str) -> tuple[dict, dict] | None:
        """An unused WMT21 pair as ``(other side, side in lang)``."""
        for i, (a, b) in enumerate(spare):
            if lang in (a["lang"], b["lang"]):
                spare.pop(i)
                return (a, b) if b["lang"] == lang else (b, a)
        for a, b in taken:
            if lang in (a["lang"], b["lang"]):
                return (a, b) if b["lang"] == lang else (b, a)
            spare.append((a, b))
        return None

    def host(lang: str) -> dict | None:
        """A whole document in ``lang`` on another story (a side of an unused WMT21 pair)."""
        found = pair_in(lang)
        return found[1] if found else None


    def add(record: dict) -> str:
        records.append(record)
        return record["id"]

    def source_record(src: dict, case: str, text: str | None = None) -> str:
        return add({"id": f"{case}:source", "lang": src["lang"], "outlet": "source.example",
                    "title": src["segments"][0], "text": text or "\n\n".join(_body(src))})

    def derived_record(case: str, lang: str, title: str | None, paragraphs: list[str]) -> str:
        return add({"id": f"{case}:derived", "lang": lang, "outlet": "derived.example", "title": title,
                    "text": "\n\n".join(paragraphs)})

    for n in range(per_phenomenon):
        # 1. excerpts and truncated copies
        src, ref = next(taken)
        body_s, body_r = _body(src), _body(ref)
        k = 2 + n % 4
        case = f"excerpt-{n}"
        if n % 3 == 2:  # the source is known only by its first part; the derivation is whole
            s_id = source_record(src, case, "\n\n".join(body_s[:k + 1]))
            d_id = derived_record(case, ref["lang"], ref["segments"][0], body_r)
        else:
            tail = ["Read more"] if n % 3 == 0 else []
            cut = body_r[:k]
            if n % 3 == 1:  # a page cut mid-sentence
                words = body_r[k].split()
                cut = cut + [" ".join(words[: max(3, len(words) // 2)])]
            s_id = source_record(src, case)
            d_id = derived_record(case, ref["lang"], ref["segments"][0], cut + tail)
        pairs.append({"derived": d_id, "source": s_id, "label": "translation", "phenomenon": "excerpt"})

        # 2. partial reuse: consecutive segments inside another article of the derived language
        src, ref = next(taken)
        case = f"partial-{n}"
        same = n % 2 == 1
        lang = src["lang"] if same else ref["lang"]
        home = host(lang)
        if home is None:
            continue
        if same:
            passage_from = src if src["lang"] == lang else ref
        else:
            passage_from = ref if ref["lang"] == lang else src
        body = _body(passage_from)
        k = 2 + n % 4
        start = rng.randrange(0, max(1, len(body) - k))
        own = _body(home)
        mid = len(own) // 2
        s_id = source_record(src if passage_from is ref else ref, case) if not same else source_record(passage_from, case)
        d_id = derived_record(case, lang, home["segments"][0], own[:mid] + body[start:start + k] + own[mid:])
        pairs.append({"derived": d_id, "source": s_id, "label": "partial", "phenomenon": "partial"})

        # 3. short derivations: a 2-5 segment brief from the middle of a long source
        src, ref = next(taken)
        case = f"short-{n}"
        body_r = _body(ref)
        k = 2 + n % 4
        start = 1 + rng.randrange(0, max(1, len(body_r) - k - 1))
        s_id = source_record(src, case)
        d_id = derived_record(case, ref["lang"], None, body_r[start:start + k])
        pairs.append({"derived": d_id, "source": s_id, "label": "translation", "phenomenon": "short"})

        # 4. page furniture between the paragraphs of a whole translation
        src, ref = next(taken)
        case = f"furniture-{n}"
        lines = list(FURNITURE.get(ref["lang"], FURNITURE["en"]))
        rng.shuffle(lines)
        out = []
        for i, seg in enumerate(_body(ref)):
            out.append(seg)
            if i % 2 == 1 and lines:
                out.append(lines.pop())
        out = [lines.pop()] + out if lines else out
        s_id = source_record(src, case)
        d_id = derived_record(case, ref["lang"], ref["segments"][0], out)
        pairs.append({"derived": d_id, "source": s_id, "label": "translation", "phenomenon": "furniture"})

        # 6. several sources: passages of two translations inside one host
        src1, ref1 = next(taken)
        second = pair_in(ref1["lang"])
        if second is None:
            continue
        src2, ref2 = second
        case = f"several-{n}"
        home = host(ref1["lang"])
        if home is None:
            continue
        own = _body(home)
        k1, k2 = 3 + n % 3, 3 + (n + 1) % 3
        b1, b2 = _body(ref1), _body(ref2)
        third = max(1, len(own) // 3)
        text = own[:third] + b1[1:1 + k1] + own[third:2 * third] + b2[2:2 + k2] + own[2 * third:]
        s1 = add({"id": f"{case}:source-1", "lang": src1["lang"], "outlet": "source-1.example",
                  "title": src1["segments"][0], "text": "\n\n".join(_body(src1))})
        s2 = add({"id": f"{case}:source-2", "lang": src2["lang"], "outlet": "source-2.example",
                  "title": src2["segments"][0], "text": "\n\n".join(_body(src2))})
        d_id = derived_record(case, ref1["lang"], home["segments"][0], text)
        pairs.append({"derived": d_id, "source": s1, "label": "partial", "phenomenon": "several"})
        pairs.append({"derived": d_id, "source": s2, "label": "partial", "phenomenon": "several"})
    return records, pairs


def write(dev: str | Path, out: str | Path, seed: int = 13, per_phenomenon: int = 12, split: str = "test") -> Path:
    """Write the cases as a corpus folder (``articles.jsonl``, ``pairs.jsonl``) under ``out``."""
    records, pairs = construct(dev, seed, per_phenomenon, split)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(out / "pairs.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return out


def score_constructed(links: list[dict], pairs: list[dict]) -> dict:
    """Recall per phenomenon (a pair is found when its two articles are linked, either way) and
    precision over every link (a link not among ``pairs`` is wrong)."""
    linked = {frozenset((l["derived"], l["source"])): l for l in links}
    labelled = {frozenset((p["derived"], p["source"])) for p in pairs}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kind_right = 0
    missed = []
    for p in pairs:
        link = linked.get(frozenset((p["derived"], p["source"])))
        per[p["phenomenon"]][0] += link is not None
        per[p["phenomenon"]][1] += 1
        if link is None:
            missed.append(f"{p['derived']} <- {p['source']}")
        elif link["kind"] == p["label"]:
            kind_right += 1
    right = sum(1 for k in linked if k in labelled)
    wrong = [f"{l['derived']} -> {l['source']}" for k, l in linked.items() if k not in labelled]
    found = sum(v[0] for v in per.values())
    return {
        "precision": round(right / len(linked), 4) if linked else 1.0,
        "recall": round(found / len(pairs), 4) if pairs else 1.0,
        "kind_accuracy": round(kind_right / found, 4) if found else None,
        "per_phenomenon": {k: {"recall": round(v[0] / v[1], 4), "found": v[0], "pairs": v[1]}
                           for k, v in sorted(per.items())},
        "links": len(linked), "pairs": len(pairs), "missed": missed, "wrong_links": wrong,
    }


def evaluate_constructed(dev: str | Path, settings=None, seed: int = 13, per_phenomenon: int = 12,
                         vector_cache: str | None = None, db_path: str | None = None, split: str = "test") -> dict:
    """Build the cases, link them in a fresh store, and score the links (``score_constructed``)."""
    import tempfile

    from ..eval import evaluate
    from ..store import Store

    records, pairs = construct(dev, seed, per_phenomenon, split)
    with tempfile.TemporaryDirectory(prefix="unspun-cases-") as tmp:
        corpus = write(dev, Path(tmp) / "constructed", seed, per_phenomenon, split)
        keep = db_path or str(Path(tmp) / "cases.db")
        base = evaluate(corpus, settings, db_path=keep, vector_cache=vector_cache)
        store = Store(keep)
        try:
            links = store.links()
        finally:
            store.close()
    result = score_constructed(links, pairs)
    result["articles"] = len(records)
    result["seconds"] = base["seconds"]
    return result
