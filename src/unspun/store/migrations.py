"""Numbered schema migrations. Never edit a released migration: add the next one."""
from __future__ import annotations

import sqlite3


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip() and not all(l.strip().startswith("--") or not l.strip() for l in statement.splitlines()):
            db.execute(statement)


def m001_create_tables(db: sqlite3.Connection) -> None:
    _run(db, 
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            url TEXT,
            outlet TEXT,
            lang TEXT,
            published TEXT,
            title TEXT,
            text TEXT NOT NULL,
            source_path TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            ingested_at TEXT NOT NULL,
            linked_at TEXT
        );
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_unlinked ON articles(linked_at) WHERE linked_at IS NULL;

        CREATE TABLE sentences (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            quoted INTEGER NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (article_id, idx)
        ) WITHOUT ROWID;

        CREATE TABLE anchors (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            sentence_idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL
        );
        CREATE INDEX anchors_value ON anchors(kind, value);
        CREATE INDEX anchors_article ON anchors(article_id);

        -- Sentence vectors keyed by content: one sentence seen twice is embedded once.
        CREATE TABLE vectors (
            model TEXT NOT NULL,
            hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, hash)
        ) WITHOUT ROWID;

        -- One document vector per article and model: the mean of its sentence vectors, for the ANN index.
        CREATE TABLE doc_vectors (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (article_id, model)
        ) WITHOUT ROWID;

        -- MinHash signature of each article's word shingles, for the LSH index.
        CREATE TABLE minhashes (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            num_perm INTEGER NOT NULL,
            signature BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE links (
            derived TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            source TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            confidence REAL NOT NULL,
            direction TEXT NOT NULL,
            derived_coverage REAL NOT NULL,
            source_coverage REAL NOT NULL,
            features TEXT NOT NULL,
            model TEXT NOT NULL,
            settings TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (derived, source)
        );
        CREATE INDEX links_source ON links(source);

        CREATE TABLE alignments (
            derived TEXT NOT NULL,
            source TEXT NOT NULL,
            pos INTEGER NOT NULL,
            derived_idx TEXT NOT NULL,
            source_idx TEXT NOT NULL,
            role TEXT NOT NULL,
            score REAL,
            detail TEXT,
            PRIMARY KEY (derived, source, pos),
            FOREIGN KEY (derived, source) REFERENCES links(derived, source) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE rejected (
            id INTEGER PRIMARY KEY,
            input TEXT NOT NULL,
            reason TEXT NOT NULL,
            message TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (input, reason)
        );
        """
    )


def m002_artifacts(db: sqlite3.Connection) -> None:
    _run(db, 
        """
        CREATE TABLE artifacts (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            rule TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (article_id, start, end, kind)
        ) WITHOUT ROWID;
        ALTER TABLE articles ADD COLUMN artifact_score REAL;
        """
    )




def m003_terms(db: sqlite3.Connection) -> None:
    """Document frequencies of words per language, for the IDF-weighted wording overlap."""
    from ..text.terms import article_terms_from_text

    _run(db, """
        CREATE TABLE terms (
            lang TEXT NOT NULL,
            term TEXT NOT NULL,
            df INTEGER NOT NULL,
            PRIMARY KEY (lang, term)
        ) WITHOUT ROWID;
        CREATE TABLE term_docs (
            lang TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        )
    """)
    # Backfill from the articles already stored.
    for lang, text, starts, ends, quoted in db.execute(
        "SELECT a.lang, a.text, group_concat(s.start), group_concat(s.end), group_concat(s.quoted)"
        " FROM articles a LEFT JOIN sentences s ON s.article_id = a.id GROUP BY a.id"
    ).fetchall():
        spans = []
        if starts:
            spans = [(int(x), int(y), q == "1") for x, y, q in zip(starts.split(","), ends.split(","), quoted.split(","))]
        add_terms(db, lang or "und", article_terms_from_text(text, spans))


def add_terms(db: sqlite3.Connection, lang: str, terms: set[str]) -> None:
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, 1) ON CONFLICT(lang, term) DO UPDATE SET df = df + 1",
        [(lang, t) for t in terms],
    )
    db.execute("INSERT INTO term_docs VALUES (?, 1) ON CONFLICT(lang) DO UPDATE SET n = n + 1", (lang,))


def m004_alignment_changes(db: sqlite3.Connection) -> None:
    """The changes of an aligned row (``unspun.changes``), as JSON; empty for rows stored before."""
    _run(db, "ALTER TABLE alignments ADD COLUMN changes TEXT NOT NULL DEFAULT '[]'")


MIGRATIONS = [m001_create_tables, m002_artifacts, m003_terms, m004_alignment_changes]
