"""Fuzzing the ingest parsers: feeds, sitemaps, OPML, CSV, archives (WARC/ARC, gzip, zip, tar),
HTML and web-body decoding. The property is the same everywhere: on any bytes, a parser returns
Articles and Rejections (or raises only ``RejectedInput``), never anything else, never an error.

Two ways to run it:

* ``pytest tests/test_fuzz_parsers.py`` — hypothesis property tests (random and mutated inputs), a
  few seconds.
* ``python tests/test_fuzz_parsers.py TARGET [libFuzzer flags]`` — coverage-guided fuzzing with
  atheris (``pip install atheris``), e.g. ``python tests/test_fuzz_parsers.py feed
  -max_total_time=120 -rss_limit_mb=2048``. Targets: ``feed``, ``csv``, ``archive``, ``html``,
  ``body``. A crash writes the input to ``crash-*``; add it below as a regression example.
"""
from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = {
    "feed": [p.read_bytes() for p in sorted((FIXTURES / "web" / "feeds").iterdir())],
    "archive": [(FIXTURES / "web" / "crawl.warc.gz").read_bytes(), (FIXTURES / "web" / "crawl.arc").read_bytes()],
    "html": [p.read_bytes() for p in sorted((FIXTURES / "web" / "pages").iterdir())],
}
ARCHIVE_SUFFIXES = (".zip", ".gz", ".warc", ".arc", ".tar", ".tgz", ".warc.gz", ".jsonl.gz")


class NoNetwork:
    """A fetcher that never touches the network: every fetch is refused."""

    def fetch(self, url, accept=None):
        from unspun.errors import RejectedInput

        raise RejectedInput("fetch-off", f"{url}: no network while fuzzing")

    def fetch_article(self, url, **fields):
        return self.fetch(url)

    def close(self):
        pass


def _settings():
    from unspun.settings import Settings

    return Settings(max_input_bytes=2_000_000)


def _check_records(records) -> int:
    from unspun.article import Article
    from unspun.ingest import Rejection

    n = 0
    for record in records:
        assert isinstance(record, (Article, Rejection)), type(record)
        if isinstance(record, Rejection):
            assert record.reason and isinstance(record.message, str)
        else:
            assert record.text.strip()
        n += 1
    return n


def _zip_of(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.html", data)
        zf.writestr("b.jsonl", data)
        zf.writestr("c.csv", data)
        zf.writestr("d.rss", data)
    return buf.getvalue()


# -- one function per target: the same code runs under hypothesis and under atheris --------------
def fuzz_feed(data: bytes) -> None:
    from unspun.ingest.feeds import read_feed

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.xml"
        path.write_bytes(data)
        _check_records(read_feed(str(path), _settings(), NoNetwork()))


def fuzz_csv(data: bytes, mapping: dict | None = None) -> None:
    from unspun.ingest.tables import read_csv

    with tempfile.TemporaryDirectory() as folder:
        for name in ("t.csv", "t.tsv"):
            path = Path(folder) / name
            path.write_bytes(data)
            _check_records(read_csv(path, mapping, _settings()))


def fuzz_archive(data: bytes, suffix: str = ".zip") -> None:
    import unspun.ingest.archives  # noqa: F401
    import unspun.ingest.feeds  # noqa: F401
    import unspun.ingest.tables  # noqa: F401
    from unspun.ingest import read_path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        # Feed members must not reach the network: feeds inside archives would create a Fetcher.
        import unspun.ingest.feeds as feeds

        original = feeds.read_feed
        feeds.read_feed = lambda src, settings=None, fetcher=None: original(src, settings, NoNetwork())
        try:
            _check_records(read_path(path, _settings()))
        finally:
            feeds.read_feed = original


def fuzz_html(data: bytes) -> None:
    from unspun.errors import RejectedInput
    from unspun.ingest.html import article_from_html

    text = data.decode("utf-8", "replace")
    try:
        article = article_from_html(text, _settings())
    except RejectedInput:
        return
    assert article.text.strip()


def fuzz_body(data: bytes) -> None:
    from unspun.errors import RejectedInput
    from unspun.ingest.fetch import body_text, parse_content_type

    header = data[:40].decode("latin-1")
    mime, charset = parse_content_type(header)
    assert isinstance(mime, str)
    try:
        assert isinstance(body_text(data, charset), str)
    except RejectedInput:
        pass


# -- hypothesis -----------------------------------------------------------------------------------
try:
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    st = None

if st is not None:
    FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

    def mutated(seeds: list[bytes]):
        """A seed with a few bytes flipped, a slice cut out, or cut short."""
        @st.composite
        def build(draw):
            data = bytearray(draw(st.sampled_from(seeds)))
            for _ in range(draw(st.integers(0, 6))):
                if data:
                    at = draw(st.integers(0, len(data) - 1))
                    data[at] = draw(st.integers(0, 255))
            if data and draw(st.booleans()):
                a = draw(st.integers(0, len(data)))
                b = draw(st.integers(a, min(len(data), a + 200)))
                del data[a:b]
            if data and draw(st.booleans()):
                data = data[: draw(st.integers(0, len(data)))]
            return bytes(data)
        return build()

    xml_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)

    @st.composite
    def rss_documents(draw):
        items = []
        for _ in range(draw(st.integers(0, 4))):
            fields = {
                "title": draw(xml_text), "link": draw(st.sampled_from(["https://a.example/x", "", "/rel", "javascript:x",
                                                                      draw(xml_text)])),
                "guid": draw(xml_text), "pubDate": draw(st.sampled_from(["Fri, 14 Mar 2025 07:45:00 +0100", "",
                                                                         draw(xml_text)])),
                "description": draw(xml_text),
            }
            body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if draw(st.booleans()))
            if draw(st.booleans()):
                body += "<content:encoded><![CDATA[" + "<p>" + draw(xml_text) * draw(st.integers(0, 20)) + "</p>]]></content:encoded>"
            items.append(f"<item>{body}</item>")
        doc = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
               'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
               + "".join(items) + "</channel></rss>")
        raw = doc.encode("utf-8", "surrogatepass")
        if draw(st.booleans()):
            raw = raw[: draw(st.integers(0, len(raw)))]
        return raw

    @FUZZ
    @given(st.binary(max_size=3000))
    @example(b"")
    @example(b"\xff\xfe<\x00r\x00s\x00s\x00>\x00")
    @example(b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
             b"<rss><channel><item><title>&lol2;</title></item></channel></rss>")
    @example(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>&x;</loc></url></urlset>')
    def test_fuzz_feed_random_bytes_never_raise(data):
        fuzz_feed(data)

    @FUZZ
    @given(rss_documents())
    def test_fuzz_feed_generated_rss_never_raises(data):
        fuzz_feed(data)

    @FUZZ
    @given(mutated(SEEDS["feed"]))
    def test_fuzz_feed_mutated_fixtures_never_raise(data):
        fuzz_feed(data)

    @FUZZ
    @given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
           st.one_of(st.none(), st.dictionaries(st.sampled_from(["text", "title", "url", "published", "id"]),
                                                st.text(max_size=8), max_size=3)))
    @example(b'text\n"unclosed', None)
    @example(b"text,title\n" + b"x" * 50 + b",\x00\n", {"text": "text"})
    def test_fuzz_csv_never_raises(data, mapping):
        fuzz_csv(data, mapping)

    @FUZZ
    @given(st.lists(st.lists(st.text(max_size=60), min_size=1, max_size=4), min_size=1, max_size=6))
    def test_fuzz_csv_rows_round_trip(rows):
        """Any table the csv module writes is read back without error: each data row becomes an
        Article whose text is the cell, or a Rejection."""
        import csv

        from unspun.article import Article

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["text"] + [f"c{i}" for i in range(1, max(len(r) for r in rows))])
        for row in rows:
            writer.writerow(row + [""] * (max(len(r) for r in rows) - len(row)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "t.csv"
            path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
            from unspun.ingest.tables import read_csv

            records = list(read_csv(path, {"text": "text"}, _settings()))
        _check_records(records)
        for record in records:
            if isinstance(record, Article):
                assert record.text.strip() in {r[0].replace("\r\n", "\n").replace("\r", "\n").strip() for r in rows}

    @FUZZ
    @given(st.binary(max_size=3000), st.sampled_from(ARCHIVE_SUFFIXES))
    @example(b"PK\x05\x06" + b"\x00" * 18, ".zip")
    @example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", ".gz")
    @example(b"WARC/1.0\r\nContent-Length: 99999999999\r\n\r\n", ".warc")
    @example(b"filedesc://x 0.0.0.0 20250101000000 text/plain 999\n", ".arc")
    def test_fuzz_archive_random_bytes_never_raise(data, suffix):
        fuzz_archive(data, suffix)

    @FUZZ
    @given(mutated(SEEDS["archive"]), st.sampled_from([".warc.gz", ".warc", ".arc", ".gz"]))
    def test_fuzz_archive_mutated_warc_never_raises(data, suffix):
        fuzz_archive(data, suffix)

    @FUZZ
    @given(st.binary(max_size=1500))
    def test_fuzz_archive_zip_of_random_members_never_raises(data):
        fuzz_archive(_zip_of(data), ".zip")

    @FUZZ
    @given(st.dictionaries(st.from_regex(r"[a-z0-9_/ ]{1,20}\.(txt|html|jsonl|csv|md)", fullmatch=True),
                           st.text(max_size=300), min_size=1, max_size=5))
    def test_fuzz_archive_zip_round_trip(members):
        """Every member of a zip is accounted for: each becomes at least one record named
        ``archive!member``, and text members that become articles keep their text."""
        from unspun.article import Article

        visible = {n: t for n, t in members.items()
                   if not n.endswith("/") and not any(p.startswith(".") for p in n.split("/") if p)}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in visible.items():
                zf.writestr(name, text.encode("utf-8", "surrogatepass"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "batch.zip"
            path.write_bytes(buf.getvalue())
            import unspun.ingest.archives  # noqa: F401
            from unspun.ingest import read_path

            records = list(read_path(path, _settings()))
        _check_records(records)
        names = {(r.source_path if isinstance(r, Article) else r.input).split("!", 1)[1].split(":")[0]
                 for r in records}
        assert names == set(visible)
        for record in records:
            if isinstance(record, Article) and record.source_path.endswith(".txt"):
                member = record.source_path.split("!", 1)[1]
                assert record.text.strip() in visible[member].replace("\r\n", "\n").replace("\r", "\n")

    @FUZZ
    @given(mutated(SEEDS["html"]) | st.binary(max_size=2000))
    def test_fuzz_html_only_rejects(data):
        fuzz_html(data)

    @FUZZ
    @given(st.binary(max_size=2000))
    @example(b"text/html; charset=utf-\x00")
    @example(b"text/html; charset=nonexistent-codec\n\xe9t\xe9")
    def test_fuzz_web_body_decoding(data):
        fuzz_body(data)


def test_fuzz_regressions_found_by_atheris():
    """Inputs atheris found crashing a parser, kept as fixtures (``fuzz-crash-*``)."""
    crashes = sorted((FIXTURES / "web").rglob("fuzz-crash-*"))
    assert crashes
    for path in crashes:
        data = path.read_bytes()
        {"feeds": fuzz_feed, "tables": fuzz_csv, "archives": TARGETS["archive"], "bodies": fuzz_body}[path.parent.name](data)


# -- atheris --------------------------------------------------------------------------------------
TARGETS = {"feed": fuzz_feed, "csv": fuzz_csv, "archive": lambda d: fuzz_archive(d[1:], ARCHIVE_SUFFIXES[d[0] % len(ARCHIVE_SUFFIXES)]) if d else None,
           "html": fuzz_html, "body": fuzz_body}


def main(argv: list[str]) -> None:  # pragma: no cover - run by hand
    import atheris

    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.exit(f"usage: python {argv[0]} {{{','.join(TARGETS)}}} [libFuzzer flags]")
    target = argv[1]
    with atheris.instrument_imports(include=["unspun"]):
        import unspun.ingest  # noqa: F401
        import unspun.ingest.archives  # noqa: F401
        import unspun.ingest.feeds  # noqa: F401
        import unspun.ingest.fetch  # noqa: F401
        import unspun.ingest.html  # noqa: F401
        import unspun.ingest.tables  # noqa: F401
    corpus = Path(tempfile.mkdtemp(prefix=f"unspun-fuzz-{target}-"))
    seeds = SEEDS.get(target, [])
    if target == "archive":  # the first byte picks the suffix (see TARGETS)
        pick = {s: bytes([ARCHIVE_SUFFIXES.index(s)]) for s in ARCHIVE_SUFFIXES}
        seeds = [pick[".warc.gz"] + seeds[0], pick[".arc"] + seeds[1], pick[".zip"] + _zip_of(SEEDS["html"][0]),
                 pick[".gz"] + seeds[0]]
    for i, seed in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(seed)
    fn = TARGETS[target]
    atheris.Setup([argv[0], *argv[2:], str(corpus)], fn)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
