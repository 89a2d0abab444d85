"""Terminal rendering of one article's artifacts with rich: the paragraphs that hold artifacts, with
their spans highlighted by kind (paragraphs without one are left out to keep the output short),
then one line per artifact (kind, span, reason, rule)."""
from __future__ import annotations

from ..article import Article

KIND_STYLES = {
    "persona": "bold magenta",
    "assistant": "bold red",
    "prompt-leak": "bold yellow",
    "engagement": "bold cyan",
    "scrape": "dim underline",
}


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            spans.append((offset, offset + len(line.rstrip("\r\n"))))
        offset += len(line)
    return spans


def render_artifacts(article: Article, result: dict, console) -> None:
    """Print an article's artifacts to a rich ``console``.

    Args:
        article: the Article the result was computed on (spans index ``article.text``).
        result: what ``unspun.artifacts.detect`` returned.
        console: a ``rich.console.Console``.
    """
    from rich.text import Text

    artifacts = result.get("artifacts", [])
    title = article.title or article.id
    console.print(Text.assemble(("Artifacts in ", "bold"), (str(title), "bold"),
                                (f"  [{article.lang or '?'}]  score {result.get('score', 0):.2f}", "")))
    if not artifacts:
        console.print("No machine-rewriting artifacts found.")
        return
    text = article.text
    for start, end in _paragraphs(text):
        inside = [a for a in artifacts if a["start"] < end and a["end"] > start]
        if not inside:
            continue
        line = Text(text[start:end])
        for a in inside:
            line.stylize(KIND_STYLES.get(a["kind"], "bold"), max(a["start"], start) - start, min(a["end"], end) - start)
        console.print(line)
        console.print()
    counts: dict[str, int] = {}
    for a in artifacts:
        counts[a["kind"]] = counts.get(a["kind"], 0) + 1
    console.print(Text("  ".join(f"{k}: {n}" for k, n in counts.items()), style="bold"))
    for a in artifacts:
        row = Text()
        row.append(f"{a['kind']:<12}", style=KIND_STYLES.get(a["kind"], "bold"))
        row.append(f"{a['start']}-{a['end']}  ", style="dim")
        row.append(a["reason"])
        row.append(f"  ({a['rule']})", style="dim")
        console.print(row)
