"""archives: WARC/ARC, gzip, zip and tar files; bombs, truncation and nesting are bounded."""
from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile

import pytest
from conftest import FIXTURES

import unspun.ingest.tables  # noqa: F401  (registers .csv inside archives)
from unspun.article import Article
from unspun.ingest import Rejection, read_paths
from unspun.settings import Settings

WEB = FIXTURES / "web"
PAGES = WEB / "pages"
BODY = ("Estonia, Latvia and Lithuania disconnected their electricity systems from the Russian grid on Saturday"
        " and joined the European network.")


def _records(*paths, **settings):
    return list(read_paths([str(p) for p in paths], Settings(**settings)))


def _split(records):
    return ([r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Rejection)])


def _zip(path, members: dict, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_archives_warc_pages_become_articles_and_the_rest_is_passed_over():
    articles, rejected = _split(_records(WEB / "crawl.warc.gz"))
    assert [a.outlet for a in articles] == ["coastalledger.example", "vestnik-vecher.example"]
    strike, bridge = articles
    assert strike.source_path == f"{WEB / 'crawl.warc.gz'}!{strike.url}"
    assert strike.title.startswith("Dock workers") and "1,400 workers" in strike.text
    assert strike.meta["crawled_at"] == "2025-03-14T12:00:02Z" and strike.meta["warc_record_id"]
    assert bridge.title == "В Новоозёрске открыли новый мост через реку"  # windows-1251, no header charset
    # The 404 page is rejected; image, stylesheet, redirect, requests, revisit and metadata are not articles.
    assert [(r.input.rsplit("!", 1)[1], r.reason) for r in rejected] == [
        ("https://www.coastalledger.example/business/gone", "http-404")]


def test_archives_uncompressed_warc_and_arc(tmp_path):
    from fixtures.web.make_archives import write_warc

    write_warc(tmp_path / "crawl.warc", gzip=False)
    plain, _ = _split(_records(tmp_path / "crawl.warc"))
    arc, arc_rejected = _split(_records(WEB / "crawl.arc"))
    assert [a.title for a in plain][0] == [a.title for a in arc][0]
    assert [a.url for a in arc] == ["https://www.coastalledger.example/business/2025/03/14/valmera-port-strike-ends"]
    assert [r.reason for r in arc_rejected] == ["http-404"]


def test_archives_truncated_warc_keeps_the_records_before_the_cut(tmp_path):
    from fixtures.web.make_archives import write_warc

    write_warc(tmp_path / "full.warc", gzip=False)
    data = (tmp_path / "full.warc").read_bytes()
    in_headers = data.index(b"vestnik-vecher.example/city/most-otkryt") + 400
    in_body = data.index("Длина моста".encode("cp1251"))
    for cut in (in_headers, in_body):
        (tmp_path / "cut.warc").write_bytes(data[:cut])
        articles, rejected = _split(_records(tmp_path / "cut.warc"))
        assert [a.outlet for a in articles] == ["coastalledger.example"]  # the cut page is not stored half
        assert [r.reason for r in rejected] == ["http-404", "truncated"]
    assert rejected[-1].input.endswith("!https://vestnik-vecher.example/city/most-otkryt")
    (tmp_path / "gz-cut.warc.gz").write_bytes((WEB / "crawl.warc.gz").read_bytes()[:3000])
    articles, rejected = _split(_records(tmp_path / "gz-cut.warc.gz"))
    assert [a.outlet for a in articles] == ["coastalledger.example"] and rejected[-1].reason == "truncated"


def test_archives_garbage_named_warc_is_rejected(tmp_path):
    (tmp_path / "x.warc").write_bytes(b"this is not a web archive\n" * 10)
    (tmp_path / "y.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\nbroken header\r\n\r\n" * 3))
    records = _records(tmp_path / "x.warc", tmp_path / "y.warc.gz")
    assert [r.reason for r in records] == ["corrupt", "corrupt"]


def test_archives_gzip_members_are_read_by_their_inner_name(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress((PAGES / "harbour-strike.html").read_bytes()))
    lines = "\n".join(json.dumps({"id": f"j{i}", "text": f"{BODY} Line {i}."}) for i in range(3)) + "\n"
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    articles, rejected = _split(_records(tmp_path))
    assert not rejected
    assert sorted(a.id for a in articles)[:3] == ["j0", "j1", "j2"]
    page = next(a for a in articles if a.title and a.title.startswith("Dock"))
    assert page.source_path == f"{tmp_path / 'page.html.gz'}!page.html"
    assert [a.source_path for a in articles if a.id == "j1"] == [f"{tmp_path / 'dump.jsonl.gz'}!dump.jsonl:2"]


def test_archives_truncated_jsonl_gz_keeps_its_complete_lines(tmp_path):
    lines = "\n".join(json.dumps({"id": f"j{i}", "text": f"{BODY} Line {i}. " + "x" * 2000}) for i in range(40))
    data = gzip.compress(lines.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    articles, rejected = _split(_records(tmp_path / "cut.jsonl.gz"))
    assert 5 < len(articles) < 40 and [a.id for a in articles] == [f"j{i}" for i in range(len(articles))]
    assert [r.reason for r in rejected] == ["truncated"] and "complete lines were read" in rejected[0].message
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress((PAGES / "harbour-strike.html").read_bytes())[:900])
    assert [r.reason for r in _records(tmp_path / "cut.html.gz")] == ["truncated"]


def test_archives_corrupt_gzip_is_rejected(tmp_path):
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 200)
    (tmp_path / "notgz.gz").write_bytes(b"plain text, not gzip at all")
    assert [r.reason for r in _records(tmp_path / "bad.gz", tmp_path / "notgz.gz")] == ["corrupt", "corrupt"]


def test_archives_zip_members_of_every_kind(tmp_path):
    csv_text = "headline,body\nA table row,\"" + BODY + " From a table.\"\n"
    path = _zip(tmp_path / "batch.zip", {
        "2025/page.html": (PAGES / "harbour-strike.html").read_bytes(),
        "2025/note.txt": "A title\n" + BODY,
        "rows.jsonl": json.dumps({"id": "z1", "text": BODY + " From JSONL."}) + "\n{broken\n",
        "table.csv": csv_text,
        "empty.txt": "",
        "__MACOSX/._page.html": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    articles, rejected = _split(_records(path))
    assert sorted(a.source_path.split("!", 1)[1] for a in articles) == [
        "2025/note.txt", "2025/page.html", "rows.jsonl:1", "table.csv:2"]
    assert sorted((r.input.split("!", 1)[1], r.reason) for r in rejected) == [
        ("empty.txt", "empty"), ("rows.jsonl:2", "parse")]
    assert next(a for a in articles if a.source_path.endswith("note.txt")).id.startswith("note-")


def test_archives_zip_bomb_is_stopped_early(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"huge.jsonl": b"\n" * 60_000_000, "after.txt": "T\n" + BODY})
    assert bomb.stat().st_size < 200_000
    articles, rejected = _split(_records(bomb))
    assert [(r.input.split("!", 1)[1], r.reason) for r in rejected] == [("huge.jsonl", "zip-bomb")]
    assert "expands more than 200 times" in rejected[0].message
    assert [a.source_path.split("!", 1)[1] for a in articles] == ["after.txt"]  # the batch goes on


def test_archives_single_article_member_over_the_size_limit(tmp_path):
    big = _zip(tmp_path / "big.zip", {"big.html": b"<html><body>" + b"<p>" + b"w " * 40_000 + b"</p>"},
               zipfile.ZIP_STORED)
    [r] = _records(big, max_input_bytes=50_000)
    assert r.reason == "too-large" and "50,000" in r.message


def test_archives_total_uncompressed_limit_holds_across_members(tmp_path):
    members = {f"m{i}.txt": f"Title {i}\n{BODY} {i} ".encode() + bytes(range(65, 91)) * 4000 for i in range(6)}
    articles, rejected = _split(_records(_zip(tmp_path / "many.zip", members), archive_max_total_bytes=300_000))
    assert len(articles) == 2 and {r.reason for r in rejected} == {"zip-bomb"}


def test_archives_member_count_is_bounded(tmp_path):
    path = _zip(tmp_path / "count.zip", {f"a{i}.txt": f"T{i}\n{BODY} {i}" for i in range(8)})
    articles, rejected = _split(_records(path, archive_max_members=3))
    assert len(articles) == 3 and [r.reason for r in rejected] == ["too-many-members"]


def test_archives_nesting_is_bounded(tmp_path):
    leaf = io.BytesIO()
    _zip(leaf, {"deep.txt": "Deep\n" + BODY})
    middle = io.BytesIO()
    _zip(middle, {"leaf.zip": leaf.getvalue(), "mid.txt": "Mid\n" + BODY})
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w:gz") as tf:
        data = ("Tarred\n" + BODY).encode()
        info = tarfile.TarInfo("t.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    outer = _zip(tmp_path / "outer.zip", {"middle.zip": middle.getvalue(), "inner.zip": leaf.getvalue(),
                                          "crawl.tar.gz": tar.getvalue()})
    articles, rejected = _split(_records(outer))
    # A .tar.gz is one archive, not two: inside a zip it is opened like a zip would be.
    assert sorted(a.source_path.split("!", 1)[1] for a in articles) == [
        "crawl.tar.gz!crawl.tar!t.txt", "inner.zip!deep.txt", "middle.zip!mid.txt"]
    assert [(r.input.split("!", 1)[1], r.reason) for r in rejected] == [("middle.zip!leaf.zip", "nested")]


def test_archives_encrypted_and_corrupt_zips(tmp_path):
    path = _zip(tmp_path / "enc.zip", {"secret.txt": "T\n" + BODY}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[6] |= 0x1  # the local header's "encrypted" flag
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really a zip")
    records = _records(path, tmp_path / "junk.zip")
    assert [(r.input.rsplit("/", 1)[1], r.reason) for r in records] == [
        ("enc.zip!secret.txt", "encrypted"), ("junk.zip", "corrupt")]


def test_archives_zip_member_with_bad_crc_is_rejected_and_others_read(tmp_path):
    path = _zip(tmp_path / "crc.zip", {"a.txt": "Alpha\n" + BODY + " Alpha.", "b.txt": "Beta\n" + BODY + " Beta."},
                zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b"Alpha.")
    data[at] = ord("a")  # flip one byte of the first member
    path.write_bytes(bytes(data))
    articles, rejected = _split(_records(path))
    assert [a.title for a in articles] == ["Beta"] and [r.reason for r in rejected] == ["corrupt"]


def test_archives_tar_gz(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, text in (("a/one.txt", "One\n" + BODY + " One."), ("b/two.html", (PAGES / "harbour-strike.html").read_text())):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    (tmp_path / "crawl.tgz").write_bytes(buf.getvalue())
    (tmp_path / "crawl.tar.gz").write_bytes(buf.getvalue())
    articles, rejected = _split(_records(tmp_path / "crawl.tgz", tmp_path / "crawl.tar.gz"))
    assert not rejected and len(articles) == 4
    assert articles[0].source_path == f"{tmp_path / 'crawl.tgz'}!crawl.tar!a/one.txt"


def test_archives_gzip_bomb_is_stopped_early(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"A" * 80_000_000))
    [r] = _records(tmp_path / "bomb.txt.gz")
    assert r.reason in ("zip-bomb", "too-large")
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(b"\n" * 80_000_000))
    [r] = _records(tmp_path / "bomb.jsonl.gz")
    assert r.reason == "zip-bomb"


def test_archives_duplicates_inside_an_archive_are_stored_once(tmp_path, store):
    from unspun.pipeline import ingest

    text = "Short title\n" + BODY
    path = _zip(tmp_path / "dups.zip", {"a.txt": text, "copy/a.txt": text})
    summary = ingest(read_paths([path]), store, Settings())
    assert (len(summary.ingested), len(summary.duplicates)) == (1, 1)


def test_archives_killed_ingest_resumes_without_duplicates(tmp_path):
    """SIGKILL an ingest of a zip half-way, then run it again: nothing committed is lost, nothing
    is stored twice, and the store is intact."""
    import os
    import signal
    import subprocess
    import sys

    from unspun.pipeline import ingest
    from unspun.store import Store

    topics = ["grid", "port", "airline", "bridge"]
    path = _zip(tmp_path / "batch.zip", {
        f"{i}-{t}.txt": f"Story {t}\nThe {t} story number {i} was reported on Monday by officials. It has two sentences."
        for i, t in enumerate(topics)})
    db = tmp_path / "killed.db"
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, unspun.ingest.archives\n"
         "from unspun.ingest import read_paths\nfrom unspun.pipeline import ingest\n"
         "from unspun.settings import Settings\nfrom unspun.store import Store\n"
         "def say(status, name, msg): print(status, name, flush=True)\n"
         f"ingest(read_paths([{str(path)!r}]), Store({str(db)!r}), Settings(), on_record=say)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()
        assert first.startswith("ingested"), first
        os.kill(child.pid, signal.SIGKILL)  # now, while it works on the next article
    finally:
        child.wait(timeout=60)
    store = Store(db)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        committed = store.count("articles")
        assert 1 <= committed < len(topics)
        summary = ingest(read_paths([path]), store, Settings())
        assert len(summary.duplicates) == committed and len(summary.ingested) == len(topics) - committed
        assert store.count("articles") == len(topics) and not summary.rejected
        orphans = store.db.execute("SELECT COUNT(*) FROM sentences WHERE article_id NOT IN"
                                   " (SELECT id FROM articles)").fetchone()[0]
        assert orphans == 0
    finally:
        store.close()


@pytest.mark.parametrize("name", ["e.warc", "e.warc.gz", "e.arc", "e.gz", "e.zip", "e.tar", "e.tgz"])
def test_archives_empty_files_are_rejected_as_empty(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    assert [r.reason for r in _records(tmp_path / name)] == ["empty"]


def test_archives_warc_page_over_the_size_limit_and_binary_members(tmp_path):
    articles, rejected = _split(_records(WEB / "crawl.warc.gz", max_input_bytes=3000))
    assert [r.reason for r in rejected] == ["too-large", "http-404"] and len(articles) == 1
    path = _zip(tmp_path / "bin.zip", {"photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
                                       "ok.txt": "Fine\n" + BODY})
    articles, rejected = _split(_records(path))
    assert [r.reason for r in rejected] == ["binary"] and [a.title for a in articles] == ["Fine"]


def test_archives_warc_with_wrong_record_lengths_is_reported_quietly(tmp_path, capfd):
    from fixtures.web.make_archives import write_warc

    write_warc(tmp_path / "full.warc", gzip=False)
    data = (tmp_path / "full.warc").read_bytes()
    (tmp_path / "bad.warc").write_bytes(data.replace(b"Content-Length: 64\r\n", b"Content-Length: 40\r\n", 1))
    articles, rejected = _split(_records(tmp_path / "bad.warc"))
    assert len(articles) == 2 and [r.reason for r in rejected] == ["http-404", "bad-length"]
    assert "Record not followed by newline" not in capfd.readouterr().err
