"""The command line: parses, calls the library, prints. No behaviour lives here."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .errors import StoreError, UnspunError
from .settings import SETTINGS, Settings

console = Console()
err_console = Console(stderr=True)


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _progress(disable: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, disable=disable or not err_console.is_terminal, transient=True,
    )


def _staged(progress: Progress, prefix: str):
    """A ``progress(stage, done, total)`` callback that shows one bar per stage."""
    tasks: dict[str, int] = {}

    def on_progress(stage, done, total):
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"{prefix}: {stage}", total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return on_progress


def _db_argument() -> str:
    """The --db the command line names (or UNSPUN_DB, or the default)."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg[5:]
    return os.environ.get("UNSPUN_DB") or "unspun.db"


class _Group(click.Group):
    """Turns library errors into one clear line and exit status 1 (library code never exits)."""

    def invoke(self, ctx):
        import sqlite3

        try:
            try:
                return super().invoke(ctx)
            except (sqlite3.DatabaseError, OSError) as exc:
                # A store locked past the busy timeout, a full disk, a read-only store or folder,
                # from the store or the index beside it: one named error, never a traceback.
                from .store import store_error

                named = store_error(exc, _db_argument())
                if named is None:
                    raise
                raise named from exc
        except UnspunError as exc:
            err_console.print(f"[bold red]Error:[/bold red] {escape(str(exc))}", highlight=False, soft_wrap=True, markup=True)
            sys.exit(1)


db_option = click.option("--db", default="unspun.db", show_default=True, envvar="UNSPUN_DB",
                          help="The SQLite store.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
set_option = click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
                          help="Override a setting (see `unspun settings`). Repeatable.")


def _store(db: str, create: bool = False, announce: bool = True):
    """The store at ``db``. Only commands that store things create one (and say so once); the
    others fail on a missing path, so a mistyped --db never leaves an empty store behind."""
    from .store import Store

    if db != ":memory:" and not os.path.exists(db):
        if not create:
            raise StoreError(f"No store at {db!r}", "Check the --db path (or UNSPUN_DB); `unspun ingest` creates a store")
        if announce:  # (not in --json output, which stays one JSON document)
            err_console.print(f"[dim]creating a new store at {escape(db)}[/dim]", highlight=False)
    return Store(db)


@click.group(cls=_Group)
@click.version_option(package_name="unspun")
def main():
    """unspun: find where a news article came from, and what was changed on the way."""


def _run_ingest(records, store, settings, as_json: bool, link: bool, db: str) -> None:
    """Shared by ingest, fetch: progress bar, rejection lines, summary (ingested, duplicates,
    rejected by reason), optional linking."""
    from .pipeline import ingest as run_ingest

    with _progress(as_json) as progress:
        task = progress.add_task("ingest", total=None)

        def on_record(status, name, message):
            progress.advance(task)
            if status == "rejected" and not as_json:
                err_console.print(f"[yellow]rejected[/yellow] {escape(name)}: {escape(message)}", highlight=False,
                                  soft_wrap=True)

        summary = run_ingest(records, store, settings, on_record=on_record)
    result = summary.as_dict()
    if link:
        from .link import link_store

        result["link"] = link_store(store, settings)
    if as_json:
        result["rejected_inputs"] = [r.__dict__ for r in summary.rejected]
        _dump(result)
        return
    console.print(
        f"ingested {result['ingested']}, duplicates {result['duplicates']}, rejected {result['rejected']}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in result['rejected_by_reason'].items())})" if result["rejected"] else "")
        + f" → {db}"
    )
    if link:
        console.print(f"linked: {result['link']['links']} links from {result['link']['compared']} comparisons"
                      + _pruned_note(result["link"]))


def _pruned_note(link_result: dict) -> str:
    """What sibling pruning removed, and on a two-tier store what the gate skipped and the
    accurate model embedded, from a ``link_store`` result, for the one-line summaries."""
    pruned, gated, embedded = (link_result.get(k, 0) for k in ("pruned", "gated", "embedded"))
    note = f", {pruned} removed as siblings (both sides derive from a third)" if pruned else ""
    if gated or embedded:
        note += f"; {embedded} articles embedded, {gated} pairs skipped by the fast-tier gate"
    return note


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@json_option
@set_option
@click.option("--feed", "feeds", multiple=True, metavar="URL_OR_FILE",
              help="An RSS/Atom feed, OPML list, sitemap or URL list to read (repeatable).")
@click.option("--map", "mapping", default=None, metavar="FIELD=COLUMN,...",
              help="Column mapping for CSV/TSV inputs, e.g. text=body,title=headline,published=date.")
@click.option("--link/--no-link", default=False, help="Link the new articles right after ingesting them.")
def ingest(paths, db, as_json, overrides, feeds, mapping, link):
    """Read articles from files and folders into the store.

    Formats: .txt (first line = title), .html, .jsonl (../shared/data format), .csv/.tsv (with
    --map), WARC/ARC, .gz/.zip/.tar archives, and feeds/sitemaps given with --feed. Each article
    gets its language, sentences, anchors and sentence embeddings (with --set
    embed_on_ingest=false the embeddings wait until linking or tracing needs them: two-tier bulk
    ingest, see docs/scale.md). Inputs that cannot become
    articles are listed with their reason (see `unspun rejected`); the batch goes on. Ingesting
    the same text again changes nothing.
    """
    import itertools

    from .ingest import read_paths

    if not paths and not feeds:
        raise click.UsageError("give at least one PATH or --feed")
    settings = Settings.from_pairs(list(overrides))
    streams = []
    if paths:
        if mapping:
            from .ingest import iter_files
            from .ingest.tables import parse_mapping, read_csv

            try:
                columns = parse_mapping(mapping)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--map") from None
            tables = [p for p in iter_files(paths) if p.suffix.lower() in (".csv", ".tsv")]
            others = [p for p in iter_files(paths) if p.suffix.lower() not in (".csv", ".tsv")]
            streams += [read_csv(p, columns, settings) for p in tables]
            streams.append(read_paths(others, settings))
        else:
            streams.append(read_paths(paths, settings))
    if feeds:
        from .ingest.feeds import read_feed

        streams += [read_feed(f, settings) for f in feeds]
    _run_ingest(itertools.chain(*streams), _store(db, create=True, announce=not as_json), settings, as_json, link, db)


@main.command()
@click.argument("urls", nargs=-1)
@db_option
@json_option
@set_option
@click.option("--urls-file", type=click.Path(exists=True, dir_okay=False), help="A file of URLs, one a line.")
@click.option("--no-robots", is_flag=True, help="Do not honour robots.txt (only for sites you are allowed to crawl).")
@click.option("--link/--no-link", default=False, help="Link the new articles right after fetching them.")
def fetch(urls, db, as_json, overrides, urls_file, no_robots, link):
    """Download pages politely (robots.txt, per-host rate limit, retries with backoff, timeouts,
    size and content-type limits; redirects recorded) and ingest them."""
    from .ingest.fetch import Fetcher

    targets = list(urls)
    if urls_file:
        targets += [l.strip() for l in Path(urls_file).read_text(encoding="utf-8").splitlines()
                    if l.strip() and not l.startswith("#")]
    if not targets:
        raise click.UsageError("give at least one URL or --urls-file")
    settings = Settings.from_pairs(list(overrides))
    with Fetcher(settings, respect_robots=not no_robots) as fetcher:
        _run_ingest(fetcher.fetch_articles(targets), _store(db, create=True, announce=not as_json), settings, as_json,
                    link, db)


def _watch_event(kind: str, message: str) -> None:
    if kind in ("feed-error", "webhook-error", "error", "rejected"):
        err_console.print(f"[yellow]{kind}[/yellow] {escape(message)}", highlight=False, soft_wrap=True)
    elif kind == "poll":
        err_console.print(f"[dim]{escape(message)}[/dim]", highlight=False, soft_wrap=True)


@main.command()
@db_option
@set_option
@click.option("--feeds", "feeds_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A file of feed URLs or paths (one a line), or an OPML list.")
@click.option("--interval", default=300.0, show_default=True, help="Seconds between polls.")
@click.option("--outlet", "outlets", multiple=True, help="Only alert on derivations involving this outlet (repeatable).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append alerts to this JSONL file.")
@click.option("--webhook", default=None, help="POST each alert as JSON to this URL.")
@click.option("--iterations", default=0, help="Stop after this many polls (0: run until interrupted).")
def watch(db, overrides, feeds_file, interval, outlets, log_path, webhook, iterations):
    """Poll feeds, ingest and link new items, and report new derivations.

    Alerts go to the terminal, to --log (JSONL) and to --webhook. State lives in the store, so
    after a restart nothing is missed and no alert is repeated.
    """
    from .ingest.watch import Watcher, format_alert

    settings = Settings.from_pairs(list(overrides))
    try:
        watcher = Watcher(_store(db, create=True), feeds_file, interval, outlets=list(outlets) or None, log_path=log_path,
                          webhook=webhook, settings=settings,
                          on_alert=lambda alert: console.print(escape(format_alert(alert)), highlight=False),
                          on_event=_watch_event)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    console.print(f"watching {feeds_file} every {interval:g} s → {db} (Ctrl-C to stop)")
    try:
        watcher.run(iterations=iterations or None)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        watcher.close()


@main.command()
@db_option
@json_option
@click.option("--limit", default=0, help="Show at most this many (0: all).")
def articles(db, as_json, limit):
    """List stored articles: id, language, outlet, title, published."""
    store = _store(db)
    rows = [
        {"id": r["id"], "lang": r["lang"], "outlet": r["outlet"], "title": r["title"], "published": r["published"]}
        for r in store.iter_article_rows()
    ]
    if limit:
        rows = rows[:limit]
    if as_json:
        _dump(rows)
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["id", "lang", "outlet", "title", "published"], title=f"{len(rows)} articles")


@main.command()
@db_option
@json_option
def rejected(db, as_json):
    """List rejected inputs with their reasons."""
    rows = _store(db).rejected()
    if as_json:
        _dump(rows)
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["input", "reason", "message", "at"], title=f"{len(rows)} rejected inputs")


@main.command()
@db_option
@json_option
@set_option
@click.option("--all", "relink_all", is_flag=True, help="Re-examine every article, not only those not linked yet.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: in this process; spark: export, the Spark job, import (docs/spark.md).")
@click.option("--master", default=None, help="With --engine spark: the Spark master URL (default: local[*]).")
@click.option("--work", default=None, type=click.Path(file_okay=False),
              help="With --engine spark: folder for the dataset and the job's output; run again with the same"
                   " folder, a killed job resumes (default: a temporary folder).")
def link(db, as_json, overrides, relink_all, engine, master, work):
    """Find, for every new article, the stored articles it derives from, and write links."""
    settings = Settings.from_pairs(list(overrides))
    store = _store(db)
    if engine == "spark":
        from .spark import link_with_spark

        def log(message: str) -> None:
            if not as_json:
                err_console.print(f"[dim]spark: {escape(message)}[/dim]", highlight=False)

        with _progress(as_json) as progress:
            result = link_with_spark(store, settings, only_new=not relink_all, master=master, work=work,
                                     progress=_staged(progress, "spark"), log=log)
        if as_json:
            _dump(result)
        else:
            console.print(f"examined {result['examined']} articles, {result['compared']} comparisons (Spark), "
                          f"{result['links']} links written{_pruned_note(result)} → {db}")
        return
    from .link import link_store

    with _progress(as_json) as progress:
        task = progress.add_task("link", total=None)
        result = link_store(store, settings, only_new=not relink_all,
                            progress=lambda i, n: progress.update(task, completed=i, total=n))
    if as_json:
        _dump(result)
    else:
        console.print(f"examined {result['examined']} articles, {result['compared']} comparisons, "
                      f"{result['links']} links written{_pruned_note(result)} → {db}")


@main.command(name="import-links")
@click.argument("out", type=click.Path())
@db_option
@json_option
@set_option
def import_links_cmd(out, db, as_json, overrides):
    """Load the links of a finished Spark job (its OUT folder) into the store, and settle them."""
    from .spark.load import import_links

    settings = Settings.from_pairs(list(overrides))
    store = _store(db)
    with _progress(as_json) as progress:
        result = import_links(store, out, settings, progress=_staged(progress, "import"))
    if as_json:
        _dump(result)
    else:
        console.print(f"imported {result['links']} links for {result['examined']} examined articles"
                      f"{_pruned_note(result)} → {db}")


@main.command()
@db_option
@json_option
@set_option
@click.option("--chunk", default=8192, show_default=True, help="Distinct sentences per encoder call and per commit.")
def embed(db, as_json, overrides, chunk):
    """Embed every stored sentence that has no vector yet, in bulk.

    For a store ingested in two tiers (--set embed_on_ingest=false), before linking it all: run
    on a GPU machine with --set encoder=e5-torch (pip install 'unspun[gpu]'). Interrupted, it keeps
    what it committed; run again, it embeds only the rest.
    """
    from .pipeline import embed_store

    settings = Settings.from_pairs(list(overrides))
    store = _store(db)
    with _progress(as_json) as progress:
        task = progress.add_task("embed", total=None)
        result = embed_store(store, settings, chunk=chunk,
                             progress=lambda i, n: progress.update(task, completed=i, total=n))
    if as_json:
        _dump(result)
    else:
        rate = f" ({result['sentences_per_s']} sentences/s)" if result["sentences_per_s"] else ""
        console.print(f"embedded {result['sentences']} sentences with {result['encoder']} "
                      f"in {result['seconds']} s{rate} → {db}")


@main.command()
@db_option
@json_option
@click.option("--article", "article_id", default=None, help="Only links involving this article id.")
def links(db, as_json, article_id):
    """List links: derived, source, kind, confidence, direction."""
    rows = _store(db).links(article_id)
    if as_json:
        # "evidence": what decided each link (link.evidence, the whole-document probability and,
        # for a pair joined through a third article, link.families' middle and sentence triples)
        _dump([{**{k: r[k] for k in ("derived", "source", "kind", "confidence", "direction", "derived_coverage",
                                     "source_coverage", "model", "created_at")},
                "evidence": {**(r["features"].get("evidence") or {}),
                             "document_probability": r["features"].get("document_probability"),
                             **({"family": r["features"]["family"]} if r["features"].get("family") else {})}}
               for r in rows])
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["derived", "source", "kind", "confidence", "direction", "derived_coverage",
                                    "source_coverage"], title=f"{len(rows)} links")


@main.command()
@click.argument("target")
@db_option
@json_option
@set_option
@click.option("--limit", default=5, show_default=True, help="Show at most this many sources.")
def trace(target, db, as_json, overrides, limit):
    """Where does an article come from? TARGET is a file (ingested first) or a stored article id.

    Prints the likely sources ranked, with kind and confidence, and a side-by-side alignment in
    which inserted and altered sentences are highlighted.
    """
    from .web.service import resolve_target, trace_article

    settings = Settings.from_pairs(list(overrides))
    store = _store(db, create=Path(target).is_file(), announce=not as_json)  # a file is ingested first: stored
    article = resolve_target(store, target, settings)
    result = trace_article(store, article, settings, limit=limit)
    if as_json:
        _dump(result)
        return
    from .report.terminal import render_trace

    sources = {s["id"]: store.get_article(s["id"]) for s in result["sources"]}
    render_trace(console, result, article, sources, result["artifacts"])


@main.command()
@click.argument("target")
@db_option
@json_option
@set_option
def artifacts(target, db, as_json, overrides):
    """Traces of machine rewriting in one article: persona, assistant, prompt-leak, engagement, scrape.

    TARGET is a file (ingested first) or a stored article id. Each finding has its kind, exact
    character span, the rule that matched and a one-line reason; the article gets a score.
    """
    from .artifacts import detect
    from .web.service import resolve_target

    settings = Settings.from_pairs(list(overrides))
    store = _store(db, create=Path(target).is_file(), announce=not as_json)
    article = resolve_target(store, target, settings)
    result = detect(article)
    if as_json:
        _dump({"article": article.summary(), "score": result["score"], "artifacts": result["artifacts"]})
        return
    from .artifacts.render import render_artifacts

    render_artifacts(article, result, console)


@main.command()
@db_option
@set_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8008, show_default=True, help="Port to listen on.")
@click.option("--token", default=None, envvar="UNSPUN_TOKEN",
              help="Secret every request must carry; required to listen on a non-loopback address.")
@click.option("--max-upload-bytes", default=5_000_000, show_default=True, help="Largest accepted upload or body.")
def serve(db, overrides, host, port, token, max_upload_bytes):
    """Serve the web interface (trace, articles, search, outlets, network) over the store."""
    from .web import serve as run_server

    run_server(db, host=host, port=port, token=token, settings=Settings.from_pairs(list(overrides)),
               max_upload_bytes=max_upload_bytes)


@main.command(name="settings")
@json_option
def settings_cmd(as_json):
    """List every setting with its default and help."""
    rows = [{"name": s.name, "default": s.default, "help": s.help} for s in SETTINGS]
    if as_json:
        _dump(rows)
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["name", "default", "help"], title="settings (override with --set NAME=VALUE)")


@main.command(name="eval")
@click.argument("corpora", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@json_option
@set_option
@click.option("--sample", default=0, help="Only the first N labelled pairs of each corpus (0: all).")
@click.option("--cache", default=None, type=click.Path(),
              help="A store file whose sentence vectors are reused and extended across runs.")
def eval_cmd(corpora, as_json, overrides, sample, cache):
    """Ingest a labelled corpus into a fresh store, link it and score the links.

    CORPORA are folders in the ../shared/data format (articles.jsonl, pairs.jsonl). Prints precision,
    recall and F1 per kind and overall, kind and direction accuracy, the link rates on unrelated,
    same-story and same-event pairs, alignment accuracy where segments are given, and timings.
    """
    from .eval import evaluate

    settings = Settings.from_pairs(list(overrides))
    results = []
    for corpus in corpora:
        with _progress(as_json) as progress:
            results.append(evaluate(corpus, settings, sample=sample or None, vector_cache=cache,
                                    progress=_staged(progress, Path(corpus).name)))
    if as_json:
        _dump(results[0] if len(results) == 1 else results)
    else:
        from .report.terminal import render_eval

        render_eval(console, results)


@main.command(name="eval-real")
@click.option("--real", "real_dir", default=["../shared/data/real"], show_default=True, multiple=True,
              type=click.Path(exists=True, file_okay=False),
              help="The real-world clusters (labels). Repeatable: several sets are scored as one.")
@click.option("--texts", default=[".cache/real/texts.jsonl"], show_default=True, type=click.Path(), multiple=True,
              help="Their texts, rebuilt once per machine (scripts/real_texts.py); one per --real, in order.")
@click.option("--cluster", "clusters", multiple=True, help="Only this cluster (repeatable).")
@json_option
@set_option
@click.option("--cache", default=None, type=click.Path(),
              help="A store file whose sentence vectors are reused and extended across runs.")
def eval_real_cmd(real_dir, texts, clusters, as_json, overrides, cache):
    """Link the real-world story clusters and score the links against their labels.

    Prints precision over every link, recall over strict pairs (per kind, phenomenon and cluster),
    the share of independent same-event pairs linked, and the pairs missed and linked wrongly.
    """
    from .evalsets.real import evaluate_real

    settings = Settings.from_pairs(list(overrides))
    with _progress(as_json) as progress:
        result = evaluate_real(list(real_dir), list(texts), settings, clusters=list(clusters) or None, vector_cache=cache,
                               progress=_staged(progress, "real"))
    if as_json:
        _dump(result)
    else:
        from .report.terminal import render_eval_real

        render_eval_real(console, result)



@main.command()
@db_option
@json_option
@set_option
@click.option("--repair", is_flag=True, help="Rebuild the candidate index and drop orphaned rows (nothing stored is lost).")
def check(db, as_json, overrides, repair):
    """Verify a store: SQLite integrity, every link's articles present, vectors of the encoder's
    dimension, the candidate index in step with the store. Exit status 1 while a problem remains."""
    from .embed import get_encoder
    from .store.check import check_store

    settings = Settings.from_pairs(list(overrides))
    encoder = get_encoder(settings.encoder)
    store = _store(db)
    try:
        result = check_store(store, encoder.model_id, encoder.dim, settings, repair=repair)
    finally:
        store.close()
    if as_json:
        _dump(result)
    else:
        for name, c in result["checks"].items():
            mark = "[green]ok[/green]" if c["ok"] else "[bold red]problem[/bold red]"
            details = ", ".join(f"{k} {v}" for k, v in c.items() if k != "ok" and v not in (None, [], 0, ""))
            console.print(f"{mark:<30} {name}: {escape(details)}", highlight=False, soft_wrap=True)
        for line in result["repaired"]:
            console.print(f"[yellow]repaired[/yellow] {escape(line)}", highlight=False, soft_wrap=True)
        console.print("store is sound" if result["ok"] else "problems remain: see above (--repair rebuilds the index)")
    if not result["ok"]:
        sys.exit(1)


@main.command(name="eval-changes")
@click.option("--dev", "dev_dir", default="../shared/data/dev", show_default=True,
              type=click.Path(exists=True, file_okay=False), help="The dev corpora (WMT21, SemEval samples).")
@click.option("--sample", type=click.Choice(["held-out", "tuning", "machine", "news", "news-read"]), default="held-out",
              show_default=True,
              help="The held-out sample, the one the word lists were written against, the held-out "
                   "sample of WMT21 machine translations labelled blind, or sentence pairs of real news "
                   "from the story clusters, labelled blind: the held-out draw (news) or the read ones "
                   "(news-read); both need the clusters' texts rebuilt (scripts/real_texts.py).")
@click.option("--errors", is_flag=True, help="Also list the wrong claims and the misses, by item.")
@json_option
def eval_changes_cmd(dev_dir, sample, errors, as_json):
    """Score the change detector on its labelled set: precision and recall per change type and per
    language (docs/changes.md). Real aligned sentence pairs as translators wrote them, and the
    same pairs with one change of each type applied."""
    from .evalsets.changes import build, held_out, machine_held_out, score

    missing = []
    if sample in ("news", "news-read"):
        from .evalsets.changes_news import READ_SEEDS, SEED, news_sample, real_sets

        items, missing = news_sample(real_sets(shared=Path(dev_dir).resolve().parent / "real"),
                                     seeds=(SEED,) if sample == "news" else READ_SEEDS)
        if missing:
            click.echo(f"warning: {len(missing)} pairs of the news sample left out: their article has no rebuilt "
                       "text here, or its text differs from the one drawn (scripts/real_texts.py)", err=True)
    else:
        items = {"held-out": held_out, "tuning": build, "machine": machine_held_out}[sample](dev_dir)
    if not items:
        click.echo(f"warning: the {sample} sample holds no item: every reference pair of the dev data is in the "
                   "tuning sample or a read seed (docs/changes.md); --sample machine still has a held-out one",
                   err=True)
    result = score(items)
    result["sample"] = sample
    if missing:
        result["left_out"] = len(missing)
    if not errors:
        result = {k: v for k, v in result.items() if k not in ("wrong", "missed")}
    if as_json:
        _dump(result)
    else:
        from .report.terminal import render_eval_changes

        render_eval_changes(console, result)


if __name__ == "__main__":
    main()


# -- the propagation graph: outlets, stories, reports, exports ----------------------------------

def _graph_filters(f):
    """--since, --until, --lang, --kind: which part of the store the graph commands analyse."""
    for option in reversed([
        click.option("--since", default=None, metavar="TIME", help="Only articles published from this UTC time (ISO 8601)."),
        click.option("--until", default=None, metavar="TIME", help="Only articles published up to this UTC time."),
        click.option("--lang", "langs", multiple=True, metavar="LANG", help="Only articles in this language. Repeatable."),
        click.option("--kind", "kinds", multiple=True, metavar="KIND", help="Only links of this kind. Repeatable."),
    ]):
        f = option(f)
    return f


def _analyse(db: str, since, until, langs, kinds):
    from .graph import Filters, analyse

    store = _store(db)
    return store, analyse(store, Filters.of(since, until, langs, kinds))


@main.command()
@click.argument("domain")
@db_option
@json_option
@_graph_filters
def outlet(domain, db, as_json, since, until, langs, kinds):
    """What an outlet copies, from whom, how fast, in which languages and with what added; who
    copies it; its role (originator, relay, translator, spinner, independent) and community."""
    from .graph import outlet_profile

    store, graph = _analyse(db, since, until, langs, kinds)
    profile = outlet_profile(store, graph, domain)
    if as_json:
        _dump(profile)
    else:
        from .report.terminal import render_outlet

        render_outlet(console, profile)


@main.command()
@db_option
@json_option
@_graph_filters
@click.option("--limit", default=50, show_default=True, help="Show at most this many (0: all).")
def outlets(db, as_json, since, until, langs, kinds, limit):
    """List outlets with their volume, derived share, role and community, busiest first."""
    store, graph = _analyse(db, since, until, langs, kinds)
    rows = graph.as_dict()["outlets"]
    rows.sort(key=lambda o: (-(o["copies"] + o["copied"]), -o["articles"], o["outlet"]))
    rows = rows[:limit] if limit else rows
    if as_json:
        _dump(rows)
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["outlet", "articles", "derived_share", "copies", "copied", "first_published",
                                    "median_lag_hours", "role", "community"], title=f"{len(rows)} outlets")


@main.command()
@click.argument("story_id", required=False)
@db_option
@json_option
@_graph_filters
@click.option("--outlet", "outlet_name", default=None, help="Only stories with an article of this outlet.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many (0: all).")
def stories(story_id, db, as_json, since, until, langs, kinds, outlet_name, limit):
    """Stories (families of linked articles), largest first; with STORY_ID (any of its articles'
    ids), that story: its origin and every copy with its source, kind, depth and lag."""
    from .graph import story_detail, story_list

    store, graph = _analyse(db, since, until, langs, kinds)
    if story_id:
        result = story_detail(store, graph, story_id)
        if as_json:
            _dump(result)
        else:
            from .report.terminal import render_story

            render_story(console, result)
        return
    rows = story_list(graph, limit or None, outlet_name)
    if as_json:
        _dump(rows)
    else:
        from .report.terminal import render_rows

        render_rows(console, rows, ["id", "origin_outlet", "origin_published", "articles", "outlets", "span_hours",
                                    "depth"], title=f"{len(rows)} of {len(graph.stories)} stories")


@main.command()
@db_option
@json_option
@click.option("--story", "story_id", default=None, help="A report on one story (any of its articles' ids).")
@click.option("--outlet", "outlet_name", default=None, help="A report on one outlet.")
@click.option("--since", default=None, metavar="TIME", help="Only articles published from this UTC time.")
@click.option("--until", default=None, metavar="TIME", help="Only articles published up to this UTC time.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write the report into.")
def report(db, as_json, story_id, outlet_name, since, until, out_dir):
    """Write an HTML page and a Markdown file with figures: spread timeline, lag histogram,
    language flow, the outlet network by community (whole store, one story or one outlet)."""
    from .graph.report import write_report

    if story_id and outlet_name:
        raise click.UsageError("Give --story or --outlet, not both")
    store = _store(db)
    with _progress(as_json) as progress:
        result = write_report(store, out_dir, story=story_id, outlet=outlet_name, since=since, until=until,
                              progress=_staged(progress, "report"))
    if as_json:
        _dump(result)
    else:
        console.print(f"report written to {escape(str(Path(out_dir) / 'index.html'))} and report.md", highlight=False)


@main.command()
@db_option
@json_option
@_graph_filters
@click.option("--format", "fmt", required=True, type=click.Choice(["gexf", "graphml", "csv", "parquet", "jsonl"]),
              help="gexf and graphml open in Gephi; parquet for data tools; csv for spreadsheets.")
@click.option("--what", default="links", show_default=True,
              type=click.Choice(["links", "articles", "outlets", "graph", "all", "spark"]),
              help="links, articles or outlets as tables; graph: outlets and their edges; all: every one, into a folder;"
                   " spark (--format parquet): the dataset of the Spark job, into a folder (docs/spark.md).")
@click.option("--out", required=True, help="File to write (- for standard output, csv and jsonl; a folder for --what all).")
@set_option
@click.option("--all", "relink_all", is_flag=True, help="With --what spark: the job examines every article, not only those not linked yet.")
def export(db, as_json, since, until, langs, kinds, fmt, what, out, overrides, relink_all):
    """Export links, articles, outlets or the outlet graph (schema: docs/propagation.md), or the
    Spark job's dataset (docs/spark.md)."""
    from .graph import Filters
    from .graph.export import export as run_export

    store = _store(db)
    if what == "spark":
        from .errors import ExportError
        from .spark.dataset import export_dataset

        if fmt != "parquet":
            raise ExportError("--what spark writes Parquet: use --format parquet")
        with _progress(as_json) as progress:
            result = export_dataset(store, out, Settings.from_pairs(list(overrides)), only_new=not relink_all,
                                    progress=_staged(progress, "export"))
        if as_json:
            _dump(result)
        else:
            rows = ", ".join(f"{n} {t}" for t, n in result["rows"].items())
            err_console.print(f"Spark dataset written to {escape(result['out'])} ({rows}; {result['examine']} to examine)",
                              highlight=False)
        return
    with _progress(as_json or out == "-") as progress:
        result = run_export(store, fmt, what, out, Filters.of(since, until, langs, kinds), _staged(progress, "export"))
    if as_json and out != "-":
        _dump(result)
    elif out != "-":
        for r in result.get("files", [result]):
            count = f"{r['rows']} rows" if "rows" in r else f"{r['nodes']} nodes, {r['edges']} edges"
            err_console.print(f"{r['what']} written to {escape(r['out'])} ({fmt}, {count})", highlight=False)
