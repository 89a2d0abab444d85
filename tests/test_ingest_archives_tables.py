"""tables: CSV/TSV with a column mapping; broken rows, encodings and bad files are rejected one by one."""
from __future__ import annotations

import pytest

from unspun.article import Article
from unspun.ingest import Rejection, read_paths
from unspun.ingest.tables import parse_mapping, read_csv
from unspun.settings import Settings

BODY = "Estonia, Latvia and Lithuania disconnected their electricity systems from the Russian grid on Saturday."
FR = "Le maire de Besançon a déclaré que la réunion était reportée à l’été prochain, à la demande des élus."


def _split(records):
    records = list(records)
    return ([r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Rejection)])


def test_tables_mapping_names_the_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('guid,headline,body,date,link,byline\n'
                    f'g-1,Grid switch,"{BODY}\n\nSecond paragraph, with a comma.",2025-02-08T11:30:00+00:00,'
                    'https://www.northwire.example/a,Jane Roe\n', encoding="utf-8")
    mapping = parse_mapping("text=body,title=headline,published=date,url=link,id=guid,author=byline")
    [a] = read_csv(path, mapping, Settings())
    assert (a.id, a.title, a.url, a.outlet) == ("g-1", "Grid switch", "https://www.northwire.example/a",
                                                "northwire.example")
    assert a.text == BODY + "\n\nSecond paragraph, with a comma."
    assert a.published.isoformat() == "2025-02-08T11:30:00+00:00" and a.meta["author"] == "Jane Roe"
    assert a.source_path == f"{path}:2"


def test_tables_default_aliases_tsv_and_semicolons(tmp_path):
    (tmp_path / "a.tsv").write_text(f"title\tcontent\nTab title\t{BODY}\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"Headline;Text;Language\nSemi title;{BODY};en\n", encoding="utf-8")
    articles, rejected = _split(read_paths([tmp_path], Settings()))
    assert not rejected and [(a.title, a.lang) for a in articles] == [("Tab title", None), ("Semi title", "en")]


def test_tables_missing_column_is_one_rejection_naming_the_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(f"headline,content\nT,{BODY}\n")
    [r] = read_csv(path, {"text": "body"}, Settings())
    assert r.reason == "mapping" and "no column 'body'" in r.message and "'headline', 'content'" in r.message
    path.write_text(f"headline,notes\nT,{BODY}\n")
    [r] = read_csv(path, None, Settings())
    assert r.reason == "mapping" and "no text column" in r.message


def test_tables_parse_mapping_validates():
    assert parse_mapping("text=body, title = headline") == {"text": "body", "title": "headline"}
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        parse_mapping("colour=red")
    with pytest.raises(ValueError, match="field=column"):
        parse_mapping("text")


def test_tables_broken_rows_are_rejected_and_the_rest_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,title,text\n"
                    f'1,One,"{BODY} One."\n'
                    "2,Two\n"                                  # a column short
                    f'3,Three,"{BODY} Three.",extra\n'          # a column too many
                    "4,Four,too short\n"
                    ",,\n"                                      # blank row: skipped
                    f'6,"Six" quoted wrong,"{BODY}"\n'
                    f'5,Five,"{BODY} Five."\n', encoding="utf-8")
    articles, rejected = _split(read_csv(path, None, Settings()))
    assert [a.id for a in articles] == ["1", "5"]
    assert [(r.input.rsplit(":", 1)[1], r.reason) for r in rejected] == [
        ("3", "parse"), ("4", "parse"), ("5", "too-short"), ("7", "parse")]


def test_tables_legacy_and_mixed_encodings(tmp_path):
    (tmp_path / "cp1252.csv").write_bytes(f'title,text\nRéunion,"{FR}"\n'.encode("cp1252"))
    mixed = f'title,text\nUn,"{FR}"\n'.encode("utf-8") + f'Deux,"{FR}"\n'.encode("cp1252")
    (tmp_path / "mixed.csv").write_bytes(mixed)
    articles, rejected = _split(read_paths([tmp_path], Settings()))
    assert not rejected
    assert [a.title for a in articles] == ["Réunion", "Un", "Deux"]
    assert all("Besançon" in a.text and "\ufffd" not in a.text for a in articles)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10, "binary"),
])
def test_tables_bad_files_are_one_rejection(tmp_path, data, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    assert [(r.input, r.reason) for r in read_csv(path, None, Settings())] == [(str(path), reason)]


def test_tables_long_articles_are_not_cut_by_the_csv_field_limit(tmp_path):
    long_text = (BODY + " ") * 2000  # ~200 KB, over the csv module's default field limit
    path = tmp_path / "long.csv"
    path.write_text(f'title,text\nLong,"{long_text}"\n', encoding="utf-8")
    [a] = read_csv(path, None, Settings())
    assert isinstance(a, Article) and a.text.strip() == long_text.strip()


def test_tables_unterminated_quote_does_not_swallow_silently(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(f'title,text\nGood,"{BODY}"\nBad,"{BODY} never closed\nNext,{BODY[:30]}\n', encoding="utf-8")
    articles, rejected = _split(read_csv(path, None, Settings()))
    # The open quote runs to the end of the file: the row is rejected and says so, not stored wrong.
    assert [a.title for a in articles] == ["Good"] and [r.reason for r in rejected] == ["parse"]
    assert rejected[0].input.endswith(":3") and "never closed" in rejected[0].message


def test_tables_text_in_an_unknown_language_never_stops_the_batch(tmp_path, store):
    """A language the identifier cannot tell (below ``min_language_probability``) is rejected as
    ``unknown-language`` with its best guess in the message; the batch goes on."""
    from unspun.pipeline import ingest

    path = tmp_path / "t.csv"
    path.write_text("id,text\n"
                    "tp,jan pona mi li tawa tomo sona. ona li lukin e lipu mute. tenpo suno ni la mi wile moku e kili.\n"
                    f'en,"{BODY}"\n', encoding="utf-8")
    summary = ingest(read_csv(path, None, Settings()), store, Settings())
    assert summary.ingested == ["en"]
    assert [(r.reason, r.input.rsplit(":", 1)[-1]) for r in summary.rejected] == [("unknown-language", "2")]
    assert "could not be identified" in summary.rejected[0].message
    assert [(r["reason"]) for r in store.rejected()] == ["unknown-language"]
    english = store.get_article("en")
    assert english.lang == "en" and english.meta["lang_probability"] > 0.7
