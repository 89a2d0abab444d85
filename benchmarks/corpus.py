"""A generator of realistic synthetic news corpora for the scale benchmarks.

Stories are built from real sentences, so the text stages, MinHash and the aligner see real
language: translations come from the WMT21 parallel segments in ``../shared/data/dev`` (de, fr, en,
is, ja, ru; segment i of a source and of its professional translation say the same thing), and
same-language material from every dev corpus (10 more languages from SemEval-2022 and PolitiFact).
On top of that the generator makes what a crawl of news holds:

* **events** spread over a year, each with its own facts: two names and a number, stated in a
  lead sentence in every article about the event (so independent reports share anchors, as they do);
* an **origin** article per event, by an outlet chosen by a Zipf law over ``outlets`` outlets;
* **derived** articles, published hours to days after their source, each labelled with its source
  (which may itself be derived: chains of copies): ``verbatim`` (a copy with one number changed and a
  byline added), ``translation`` (the parallel side of the origin's segments), ``rewrite`` (words
  dropped and substituted, sentences reordered, persona sentences inserted) and ``partial`` (a block
  of the source's sentences inside new text);
* **same-event** reports: the event's facts with otherwise independent text (hard negatives);
* and unrelated single articles.

Every sentence carries a *meaning* id: sentences that say the same thing (a segment and its
translation, a sentence and its rewrite) share it. ``GeneratedEncoder`` turns meanings into vectors
with the geometry of a multilingual encoder (a language component plus a meaning component plus
noise), for the sizes where running the real model on every sentence would take days.

    python benchmarks/corpus.py 10000 --out /tmp/corpus-10k      # articles.jsonl + pairs.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
_SPLIT = re.compile(r"(?<=[.!?。])\s+")
SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "to", "sha", "dor", "el", "ni", "va", "gre", "tz", "ber", "an",
             "su", "ko", "lin", "mar", "vi", "ol", "ren", "di", "pa", "ste", "us", "ik", "nov", "ja", "hel"]
PERSONA = {"en": "As an observer with a background in international relations, I find this telling.",
           "fr": "En tant qu'observateur ayant une formation en relations internationales, je trouve cela révélateur.",
           "de": "Als Beobachter mit einem Hintergrund in internationalen Beziehungen finde ich das aufschlussreich."}


@dataclass
class GenSentence:
    text: str
    meaning: int  # sentences with one meaning say the same thing, in any language


@dataclass
class GenArticle:
    id: str
    lang: str
    outlet: str
    published: datetime
    title: str
    sentences: list[GenSentence]
    event: int
    kind: str  # origin, verbatim, translation, rewrite, partial, same-event, single
    source: str | None = None
    names: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        paras = [" ".join(s.text for s in self.sentences[i : i + 4]) for i in range(0, len(self.sentences), 4)]
        return "\n\n".join(paras)

    def record(self) -> dict:
        return {"id": self.id, "lang": self.lang, "outlet": self.outlet, "title": self.title, "text": self.text,
                "published": self.published.isoformat(timespec="seconds")}


class Pools:
    """Real sentences to build stories from: parallel segment pairs by direction, and monolingual
    sentences by language. Meaning ids: parallel pairs first, then monolingual sentences."""

    def __init__(self, data: Path = DATA):
        self.parallel: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        self.mono: dict[str, list[tuple[str, int]]] = {}
        meaning = 0
        # One meaning per text, as a real encoder gives one text one vector: a WMT segment that
        # is also drawn as a monolingual sentence (every dev corpus feeds the pools) keeps its
        # parallel meaning. Otherwise the store, which keeps the first vector of a text, and the
        # article that drew the text under the other meaning disagree about its vector.
        meaning_of: dict[str, int] = {}
        for corpus in ("wmt21-human",):
            arts = {}
            for line in (data / corpus / "articles.jsonl").open(encoding="utf-8"):
                r = json.loads(line)
                arts[r["id"]] = r
            for line in (data / corpus / "pairs.jsonl").open(encoding="utf-8"):
                p = json.loads(line)
                src, ref = arts[p["source"]], arts[p["derived"]]
                for a, b in zip(src["segments"][1:], ref["segments"][1:]):
                    if 20 <= len(a) <= 400 and 10 <= len(b) <= 400:
                        m = meaning_of.get(a, meaning_of.get(b))
                        if m is None:
                            m, meaning = meaning, meaning + 1
                        elif meaning_of.setdefault(a, m) != m or meaning_of.setdefault(b, m) != m:
                            continue  # both sides already mean different things elsewhere
                        meaning_of[a] = meaning_of[b] = m
                        self.parallel.setdefault((src["lang"], ref["lang"]), []).append((a, b, m))
        seen = set()
        for corpus in sorted(p.name for p in data.iterdir() if p.is_dir()):
            for line in (data / corpus / "articles.jsonl").open(encoding="utf-8"):
                r = json.loads(line)
                for para in r["text"].split("\n"):
                    for s in _SPLIT.split(para.strip()):
                        s = s.strip()
                        if 30 <= len(s) <= 300 and s not in seen and not s.lower().startswith("title:"):
                            seen.add(s)
                            m = meaning_of.get(s)
                            if m is None:
                                m, meaning = meaning, meaning + 1
                            self.mono.setdefault(r["lang"], []).append((s, m))
        self.mono = {k: v for k, v in self.mono.items() if len(v) >= 200}
        self.langs = sorted(self.mono)
        self.directions = sorted(self.parallel)
        self.meanings = meaning


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _number(rng: random.Random) -> str:
    return f"{rng.randint(1000, 999999):,}"


class Generator:
    """Deterministic corpus generator: ``articles()`` yields GenArticles in publication order of
    events (derived articles right after their event's origin)."""

    def __init__(self, size: int, seed: int = 1, outlets: int | None = None, pools: Pools | None = None):
        if size <= 0:
            raise ValueError(f"size must be positive, got {size}")
        self.size = size
        self.seed = seed
        self.pools = pools or Pools()
        self.outlets = outlets or max(50, size // 200)
        rng = random.Random(seed)
        langs = self.pools.langs
        self.outlet_lang = [rng.choice(langs) for _ in range(self.outlets)]
        weights = np.array([1 / (i + 1) for i in range(self.outlets)])
        self.outlet_cdf = np.cumsum(weights / weights.sum())
        self.fresh_meaning = self.pools.meanings  # meanings for generated sentences (facts, rewrites)

    def _outlet(self, rng: random.Random, lang: str | None = None) -> tuple[str, str]:
        for _ in range(20):
            i = int(np.searchsorted(self.outlet_cdf, rng.random()))
            if lang is None or self.outlet_lang[i] == lang:
                return f"outlet{i}.example", self.outlet_lang[i]
        return f"outlet-{lang}.example", lang or "en"

    def _meaning(self) -> int:
        self.fresh_meaning += 1
        return self.fresh_meaning

    def articles(self):
        rng = random.Random(self.seed)
        made = 0
        event = 0
        while made < self.size:
            event += 1
            for art in self._event(event, rng):
                if made >= self.size:
                    return
                made += 1
                yield art

    def _facts(self, rng, event, names, numbers, lang) -> GenSentence:
        # One lead sentence per article stating the event's facts: independent reports share them.
        return GenSentence(f"{names[0]}, {names[1]}: {numbers[0]}.", -event)

    def _event(self, event: int, rng: random.Random):
        t0 = START + timedelta(seconds=rng.random() * 365 * 86400)
        names, numbers = [_name(rng), _name(rng)], [_number(rng), _number(rng)]
        shape = rng.random()
        n = rng.randint(8, 16)
        if shape < 0.35:  # an unrelated single article
            lang = rng.choice(self.pools.langs)
            outlet, _l = self._outlet(rng, lang)
            body = [GenSentence(*rng.choice(self.pools.mono[lang])) for _ in range(n)]
            yield GenArticle(f"e{event}-single", lang, outlet, t0, body[0].text[:80], body, event, "single")
            return
        parallel = rng.random() < 0.5
        if parallel:
            direction = rng.choice(self.pools.directions)
            segs = rng.sample(self.pools.parallel[direction], min(n, len(self.pools.parallel[direction])))
            lang, other = direction
            body = [GenSentence(a, m) for a, _b, m in segs]
            translated = [GenSentence(b, m) for _a, b, m in segs]
        else:
            lang, other = rng.choice(self.pools.langs), None
            body = [GenSentence(*rng.choice(self.pools.mono[lang])) for _ in range(n)]
            translated = None
        facts = self._facts(rng, event, names, numbers, lang)
        outlet, _l = self._outlet(rng)
        origin = GenArticle(f"e{event}-origin", lang, outlet, t0, body[0].text[:80], [facts] + body, event,
                            "origin", names=names, numbers=numbers)
        yield origin
        family = [origin]
        kinds = ["verbatim", "rewrite", "partial"] + (["translation", "translation"] if translated else [])
        for k in range(_poisson(rng, 1.6)):
            source = origin if rng.random() < 0.7 or len(family) == 1 else rng.choice(family[1:])
            kind = rng.choice(kinds)
            when = source.published + timedelta(hours=rng.expovariate(1 / 12))
            art = self._derive(rng, event, k, kind, source, origin, translated, other, when, names, numbers)
            if art is not None:
                family.append(art)
                yield art
        for k in range(_poisson(rng, 0.8)):  # independent reports of the same event
            lang2 = rng.choice(self.pools.langs)
            outlet2, _l = self._outlet(rng, lang2)
            own = [GenSentence(*rng.choice(self.pools.mono[lang2])) for _ in range(rng.randint(6, 14))]
            when = t0 + timedelta(hours=rng.expovariate(1 / 24))
            yield GenArticle(f"e{event}-report{k}", lang2, outlet2, when, own[0].text[:80],
                             [self._facts(rng, event, names, numbers, lang2)] + own, event, "same-event")

    def _derive(self, rng, event, k, kind, source, origin, translated, other, when, names, numbers):
        sents = list(source.sentences)
        lang = source.lang
        if kind == "translation":
            if source is not origin or not translated:
                kind = "verbatim"
            else:
                lang = other
                sents = [self._facts(rng, event, names, numbers, other)] + translated
        outlet, _l = self._outlet(rng, lang)
        if kind == "translation":  # several outlets run one translation, each with its byline
            sents = sents + [GenSentence(f"{outlet} / {source.outlet}, {when:%d.%m.%Y %H:%M}", self._meaning())]
        if kind == "verbatim":
            sents = [GenSentence(_change_number(s.text, rng) if i == 1 else s.text, s.meaning)
                     for i, s in enumerate(sents)]
            sents.append(GenSentence(f"Source: {source.outlet}, via {outlet}, {when:%d.%m.%Y %H:%M}", self._meaning()))
        elif kind == "rewrite":
            out = []
            for s in sents:
                words = s.text.split()
                if len(words) > 6:
                    for _ in range(max(1, len(words) // 5)):
                        del words[rng.randrange(len(words))]
                    filler = rng.choice(self.pools.mono.get(lang, self.pools.mono["en"]))[0].split()
                    words.insert(rng.randrange(len(words)), rng.choice(filler))
                out.append(GenSentence(" ".join(words), s.meaning))
            if len(out) > 4:
                i = rng.randrange(1, len(out) - 1)
                out[i], out[i + 1] = out[i + 1], out[i]
            if lang in PERSONA:
                out.insert(rng.randrange(1, len(out)), GenSentence(PERSONA[lang], self._meaning()))
            sents = out
        elif kind == "partial":
            if len(sents) < 5:
                return None
            start = rng.randrange(0, len(sents) // 2)
            block = sents[start : start + max(3, int(len(sents) * 0.4))]
            own = [GenSentence(*rng.choice(self.pools.mono[lang])) for _ in range(rng.randint(4, 8))] \
                if lang in self.pools.mono else []
            sents = own[: len(own) // 2] + block + own[len(own) // 2 :]
        return GenArticle(f"e{event}-{kind}{k}", lang, outlet, when, sents[0].text[:80], sents, event, kind,
                          source=source.id)


def _change_number(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text, count=1)


def _poisson(rng: random.Random, mean: float) -> int:
    n, p, limit = 0, 1.0, np.exp(-mean)
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


PREFIX = 24


class GeneratedEncoder:
    """Stands in for the sentence encoder where running it on every sentence is not feasible.

    A sentence's vector is ``normalise(LANG * language + meaning + NOISE * own)``: translations and
    rewrites of one sentence share the meaning component, every language has its own offset (as in
    multilingual-e5), and each distinct text has its own noise. It reports the accurate encoder's
    ``model_id`` so the store and the linker treat its vectors as theirs; it must never be used
    outside the benchmarks."""

    LANG, NOISE = 0.8, 0.35

    def __init__(self, model_id: str, dim: int = 384, meanings: dict[str, tuple[int, str]] | None = None,
                 seed: int = 3):
        self.model_id = model_id
        self.dim = dim
        self.meanings = meanings if meanings is not None else {}
        self.seed = seed
        self._cache: dict[str, np.ndarray] = {}
        self.prefixes: dict[str, tuple[int, str]] = {}

    def _rand(self, key: str) -> np.ndarray:
        cached = self._cache.get(key)
        if cached is None:
            h = int.from_bytes(hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest(), "little")
            cached = np.random.default_rng(h).standard_normal(self.dim).astype(np.float32) / np.sqrt(self.dim)
            if len(self._cache) > 300_000:
                self._cache.clear()
            self._cache[key] = cached
        return cached

    def learn(self, article: "GenArticle") -> None:
        """Remember the meaning and language of an article's sentences (texts the encoder will see)."""
        self.learn_meanings([(s.text, s.meaning) for s in article.sentences], article.lang)

    def learn_meanings(self, sentences: list[tuple[str, int]], lang: str) -> None:
        """``learn`` from (text, meaning) pairs, as ``benchmarks/scale.py`` keeps held-out articles."""
        for text, meaning in sentences:
            self.meanings[text] = (meaning, lang)
            self.prefixes[text[:PREFIX]] = (meaning, lang)

    def vector(self, text: str) -> np.ndarray:
        # The sentence splitter may cut or merge generated sentences: a piece takes the meaning of
        # the generated sentence it starts with.
        meaning, lang = self.meanings.get(text) or self.prefixes.get(text.strip()[:PREFIX], (None, None))
        base = self._rand(f"m{meaning}") if meaning is not None else self._rand("t" + text)
        v = base + self.NOISE * self._rand("t" + text) + self.LANG * self._rand(f"l{lang or _script(text)}")
        return (v / np.linalg.norm(v)).astype(np.float32)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.vector(t) for t in texts])


def _script(text: str) -> str:
    """A stand-in for the language when only the text is known: its first letters' script block."""
    for ch in text:
        if ch.isalpha():
            return str(ord(ch) // 128)
    return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic corpus (articles.jsonl, pairs.jsonl).")
    ap.add_argument("size", type=int)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    gen = Generator(args.size, args.seed)
    kinds: dict[str, int] = {}
    with (args.out / "articles.jsonl").open("w", encoding="utf-8") as fa, \
            (args.out / "pairs.jsonl").open("w", encoding="utf-8") as fp:
        for art in gen.articles():
            fa.write(json.dumps(art.record(), ensure_ascii=False) + "\n")
            kinds[art.kind] = kinds.get(art.kind, 0) + 1
            if art.source:
                fp.write(json.dumps({"derived": art.id, "source": art.source, "label": art.kind}) + "\n")
    print(json.dumps({"size": args.size, "outlets": gen.outlets, "kinds": kinds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())


def fill_background(store, count: int, enc: GeneratedEncoder, pools: Pools, seed: int = 11,
                    num_perm: int = 64, batch: int = 5000, progress=None) -> int:
    """Bulk-write ``count`` unrelated background articles straight into a store's tables.

    For the largest sizes, where even the text stages would take hours: each article is 8-16 real
    sentences of one language drawn from the pools, a lead sentence with two names from a Zipf-
    distributed vocabulary of 200,000 and a number, real anchors of that lead sentence, sentence
    vectors from ``enc`` (shared by every article that repeats a pool sentence, as the store's
    content-keyed cache shares them), the mean as document vector, and a random MinHash signature
    (unrelated texts: no LSH collisions). Rows go in by the thousand, not through ``add_article``.
    Returns how many were written."""
    from unspun.article import Article, Sentence, content_hash
    from unspun.store import to_blob
    from unspun.text.anchors import sentence_anchors

    rng = np.random.default_rng(seed)
    langs = pools.langs
    pool_vectors: dict[str, tuple[list[str], list[str], np.ndarray]] = {}
    for lang in langs:
        texts = [t for t, _m in pools.mono[lang]]
        for t, m in pools.mono[lang]:
            enc.meanings[t] = (m, lang)
        vecs = enc.encode(texts)
        hashes = [content_hash(t) for t in texts]
        pool_vectors[lang] = (texts, hashes, vecs)
        store.put_vectors(enc.model_id, hashes, vecs)
    ranks = np.arange(1, 200_001)
    name_cdf = np.cumsum(1 / ranks)
    name_cdf /= name_cdf[-1]
    start = START.timestamp()
    written = 0
    while written < count:
        n_batch = min(batch, count - written)
        arts, sents, anchors, docs, mins, leads = [], [], [], [], [], []
        for j in range(n_batch):
            i = written + j
            lang = langs[int(rng.integers(len(langs)))]
            texts, hashes, vecs = pool_vectors[lang]
            pick = rng.integers(len(texts), size=int(rng.integers(8, 17)))
            names = np.searchsorted(name_cdf, rng.random(2))
            lead = f"{_syllable_name(int(names[0]))}, {_syllable_name(int(names[1]))}: {int(rng.integers(1000, 999999)):,} ({i})."
            body = [texts[k] for k in pick]
            text = " ".join([lead] + body)
            article_id = f"bg{i}"
            when = datetime.fromtimestamp(start + float(rng.random()) * 365 * 86400, tz=timezone.utc)
            arts.append((article_id, content_hash("\n\n" + text), None, f"outlet{int(rng.integers(5000))}.example",
                         lang, when.isoformat(timespec="seconds"), None, text, None, "{}", "bench", "bench"))
            cursor = 0
            lead_hash = content_hash(lead)
            for idx, (t, h) in enumerate([(lead, lead_hash)] + [(texts[k], hashes[k]) for k in pick]):
                sents.append((article_id, idx, cursor, cursor + len(t), idx // 4, 0, h))
                cursor += len(t) + 1
            for a in sentence_anchors(Sentence(0, lead, 0, len(lead)), lang):
                anchors.append((article_id, 0, a.kind, a.value))
            lead_vec = enc.vector(lead)
            enc._cache.pop("t" + lead, None)  # unique text: keep the cache for pool sentences
            leads.append((enc.model_id, lead_hash, enc.dim, to_blob(lead_vec)))
            doc = vecs[pick].sum(axis=0) + lead_vec
            docs.append((article_id, enc.model_id, to_blob(doc / np.linalg.norm(doc))))
            mins.append((article_id, num_perm, rng.integers(0, 2**63, size=num_perm, dtype=np.uint64).tobytes()))
        with store.transaction():
            db = store.db
            db.executemany("INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text,"
                           " source_path, meta, ingested_at, linked_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", arts)
            db.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?)", sents)
            db.executemany("INSERT INTO anchors VALUES (?,?,?,?)", anchors)
            db.executemany("INSERT INTO doc_vectors VALUES (?,?,?)", docs)
            db.executemany("INSERT INTO minhashes VALUES (?,?,?)", mins)
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?,?,?,?)", leads)
        written += n_batch
        if progress:
            progress(written)
    return written


def _syllable_name(n: int) -> str:
    parts = []
    while True:
        parts.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
        if n == 0:
            break
    parts.append(SYLLABLES[(len(parts) * 7) % len(SYLLABLES)])
    return "".join(parts).capitalize()
