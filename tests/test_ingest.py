"""Readers: text, HTML, JSONL, folders; bad input is rejected with a reason and never stops a batch."""
from __future__ import annotations

import gzip
import json

from conftest import DEMO

from unspun.article import Article
from unspun.ingest import Rejection, read_paths
from unspun.settings import Settings

BODY = "Estonia, Latvia and Lithuania disconnected their electricity systems from the Russian grid on Saturday."


def _records(*paths, **settings):
    return list(read_paths([str(p) for p in paths], Settings(**settings)))


def test_ingest_text_first_line_is_title(tmp_path):
    (tmp_path / "a.txt").write_text("The title\n\n" + BODY, encoding="utf-8")
    [a] = _records(tmp_path / "a.txt")
    assert isinstance(a, Article) and a.title == "The title" and a.text == BODY
    assert a.id.startswith("a-")


def test_ingest_html_extracts_text_title_date_url_outlet():
    [a] = _records(DEMO / "en-wire.html")
    assert a.title == "Baltic states cut ties with Russian power grid and join Europe's network"
    assert a.url == "https://www.northwire.example/world/baltic-grid-synchronisation"
    assert a.outlet == "northwire.example"
    assert a.published.isoformat() == "2025-02-08T11:30:00+00:00"
    assert "09:09 local time" in a.text
    assert "All rights reserved" not in a.text and "Privacy" not in a.text
    assert len(a.meta["raw_sha1"]) == 40


def test_ingest_jsonl_keeps_ids_and_fields(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x1", "lang": "en", "outlet": "a.example", "title": "T", "text": BODY,
                                "url": "https://www.b.example/1", "published": "2024-05-20T14:11:00"}) + "\n")
    [a] = _records(path)
    assert (a.id, a.lang, a.outlet, a.title, a.url) == ("x1", "en", "a.example", "T", "https://www.b.example/1")
    assert a.published.isoformat() == "2024-05-20T14:11:00"


def test_ingest_jsonl_bad_lines_are_rejected_and_the_rest_read(tmp_path):
    path = tmp_path / "c.jsonl"
    good = json.dumps({"id": "ok", "text": BODY})
    path.write_text("\n".join([good, "{not json", json.dumps({"id": "nt"}), json.dumps([1, 2]),
                               json.dumps({"id": "ok2", "text": BODY + " More."})]) + "\n")
    records = _records(path)
    assert [r.id for r in records if isinstance(r, Article)] == ["ok", "ok2"]
    rejected = [(r.input.rsplit(":", 1)[1], r.reason) for r in records if isinstance(r, Rejection)]
    assert rejected == [("2", "parse"), ("3", "no-text"), ("4", "parse")]


def test_ingest_rejects_empty_binary_short_and_missing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(gzip.compress(b"hello" * 1000))
    (tmp_path / "short.txt").write_text("Title\nToo short.")
    (tmp_path / "good.txt").write_text("Title\n" + BODY)
    records = _records(tmp_path, tmp_path / "missing.txt")
    reasons = {r.input.rsplit("/", 1)[1]: r.reason for r in records if isinstance(r, Rejection)}
    assert reasons == {"empty.txt": "empty", "blank.txt": "empty", "binary.txt": "binary", "short.txt": "too-short",
                       "missing.txt": "missing"}
    assert [r.text for r in records if isinstance(r, Article)] == [BODY]


def test_ingest_decodes_legacy_encodings(tmp_path):
    text = "Élections à Besançon\nLe maire a déclaré que la réunion était reportée à l’été prochain, à Besançon."
    (tmp_path / "latin1.txt").write_bytes(text.replace("’", "'").encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    records = _records(tmp_path)
    assert all(isinstance(r, Article) for r in records)
    assert all(r.title == "Élections à Besançon" for r in records)


def test_ingest_rejects_too_large_inputs(tmp_path):
    (tmp_path / "big.txt").write_text("Title\n" + BODY * 100)
    [r] = _records(tmp_path / "big.txt", max_input_bytes=1000)
    assert isinstance(r, Rejection) and r.reason == "too-large" and "over the limit of 1,000" in r.message


def test_ingest_malformed_html_is_rejected_or_read_never_raises(tmp_path):
    (tmp_path / "broken.html").write_text("<html><body><p>" + BODY + " <div><span>unclosed <b>" * 50)
    (tmp_path / "nothing.html").write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    (tmp_path / "garbage.html").write_bytes(b"<<<>>><!-- --!><![CDATA[" * 200)
    records = _records(tmp_path)
    assert len(records) == 3
    by_name = {(r.input if isinstance(r, Rejection) else r.source_path).rsplit("/", 1)[1]: r for r in records}
    assert isinstance(by_name["nothing.html"], Rejection) and by_name["nothing.html"].reason == "no-text"
    assert isinstance(by_name["garbage.html"], Rejection)
    broken = by_name["broken.html"]
    assert isinstance(broken, Article) and "disconnected their electricity" in broken.text


def test_ingest_folders_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("T2\n" + BODY + " Two.")
    (tmp_path / "a.txt").write_text("T1\n" + BODY + " One.")
    (tmp_path / ".hidden.txt").write_text("T0\n" + BODY)
    assert [r.title for r in _records(tmp_path)] == ["T1", "T2"]
