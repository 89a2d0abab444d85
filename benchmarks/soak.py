"""The web server under load: 20 concurrent clients for 10 minutes against a real ``unspun serve``
(issue 17: no errors, memory growth bounded, p95 page time under 0.5 s on 2 cores).

    python benchmarks/soak.py --out benchmarks/results/soak.json            # 600 s
    python benchmarks/soak.py --duration 60 --out /tmp/soak.json           # a quick look

The store: the demo corpus ingested and linked with the real models (``unspun ingest --link``),
plus a planted network of outlets and stories written as rows (``unspun.graph.synthetic``), so
the outlet, network and story pages have hundreds of outlets and stories to analyse. One trace
from the command line before the server starts brings the candidate index up to date with the
planted rows (setup, not timed with the load).

Each client is a thread with its own HTTP connection. It waits a random think time (uniform in
0..2 x ``--think`` seconds) between requests and picks, by weight, a page view (/, /outlets, an
outlet, /network, /stories, a story, an article, /search), a search through ``/api/search``, or a
trace of pasted text through ``POST /api/trace`` (JSON; a new text each time: a demo article with
paragraphs dropped, a number changed and a sentence of its own, so every trace stores a new
article and runs the model). A trace answered ``503 busy`` is the server's designed answer when
its four trace slots are taken and is counted apart; any other 5xx, an unexpected 4xx, a timeout
or a connection error is an error. The server's resident memory (its process and children,
psutil) is sampled every ``--sample`` seconds from the end of a warm-up (one request of each kind:
the models are loaded, the store analysed); growth compares the mean of the first third of the run
with the mean of the last third.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "corpus"
BIN = Path(sys.executable).parent / "unspun"

# Planted network: 841 articles, 339 links, 133 outlets (written in a second; the first trace
# then brings the candidate index up to date with them, about 5 minutes on 2 cores).
PLANT = dict(seed=1, communities=10, independents=50, stories_per_originator=6)
# What a client does next, by weight.
MIX = {"index": 6, "outlets": 6, "outlet": 10, "network": 6, "stories": 6, "story": 8, "article": 12,
       "search": 10, "api_search": 20, "trace": 6}
PAGES = ("index", "outlets", "outlet", "network", "stories", "story", "article", "search")
SEARCH_WORDS = ("Baltic", "grid", "Russia", "électrique", "Netz", "Litgrid", "synchronised", "Europe", "energy",
                "Synthetic", "article", "Story", "frequency", "\"Baltic states\"", "OTAN", "Estland", "minister")
LANGS = ("en", "fr", "de", "es", "it")
KINDS = ("verbatim", "translation", "rewrite", "partial", "any", "none", "source")
ADDED = ("Officials in {city} said on {day} that {n:,} households had been told to expect short interruptions.",
         "Analysts at {city} university estimated the cost at {n:,} euros, a figure the ministry did not confirm.",
         "Local reporters counted {n:,} engineers on duty in {city} during the night of the switch.")
CITIES = ("Tallinn", "Riga", "Vilnius", "Kaunas", "Tartu", "Klaipėda", "Daugavpils", "Pärnu")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN), *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def build_store(work: Path) -> dict:
    """The demo corpus, linked with the real models, plus planted outlets and stories."""
    from unspun.graph import synthetic
    from unspun.store import Store

    db = work / "store.db"
    setup = {"ingest_link_s": run("ingest", str(DEMO), "--link", "--db", str(db), cwd=work)}
    store = Store(db)
    synthetic.generate(store, **PLANT)
    store.close()
    warm = work / "warm.txt"
    warm.write_text(new_text((DEMO / "fr-spun.txt").read_text(encoding="utf-8"), random.Random(0), 0),
                    encoding="utf-8")
    setup["first_trace_s"] = run("trace", str(warm), "--db", str(db), "--json", cwd=work)
    return setup


def new_text(base: str, rng: random.Random, serial: int) -> str:
    """A text not stored before: ``base`` (title line, then paragraphs) with a paragraph or two
    dropped, one number changed and a sentence of its own inserted."""
    title, _, body = base.strip().partition("\n")
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    keep = [p for p in paragraphs if rng.random() > 0.25] or paragraphs[:2]
    keep = [re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), p, count=1) if rng.random() < 0.3 else p
            for p in keep]
    added = rng.choice(ADDED).format(city=rng.choice(CITIES), day=rng.choice(DAYS), n=1000 + serial * 37 + rng.randint(0, 36))
    keep.insert(rng.randint(1, max(1, len(keep))), added)
    return title + "\n\n" + "\n\n".join(keep) + "\n"


def start_server(work: Path, port: int) -> subprocess.Popen:
    log = open(work / "serve.log", "w")
    proc = subprocess.Popen([str(BIN), "serve", "--db", str(work / "store.db"), "--port", str(port)],
                            cwd=work, stdout=log, stderr=subprocess.STDOUT)
    import httpx

    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"unspun serve exited with {proc.returncode}; see {work / 'serve.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("unspun serve did not answer within 120 s")


def pytest_processes() -> int:
    """Test runs of other work on this machine (they share its cores with the server)."""
    import psutil

    return sum("pytest" in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"]))


def rss(proc) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except Exception:  # a child that just ended
            pass
    return total


class Load:
    """The clients' shared targets (ids gathered from the server) and what they measured."""

    def __init__(self, base: str, seed: int, think: float, texts: int = 0):
        import httpx

        self.base, self.think = base, think
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {k: [] for k in MIX}
        self.errors: dict[str, int] = {k: 0 for k in MIX}
        self.busy = 0
        self.error_samples: list[str] = []
        self.serial = 0
        self.texts = texts
        self.rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as c:
            self.articles = [r["id"] for r in c.get("/api/search", params={"limit": 500}).json()["results"]]
            self.outlets = [o["outlet"] for o in c.get("/outlets.json").json()["outlets"]]
            self.stories = [s["id"] for s in c.get("/stories.json", params={"limit": 200}).json()["stories"]]
            demo = [a for a in self.articles if not a.startswith("syn-")]
            self.bases = [self._as_txt(c.get(f"/articles/{a}.json").json()["article"]) for a in demo]

    @staticmethod
    def _as_txt(article: dict) -> str:
        return (article.get("title") or "Untitled") + "\n\n" + article["text"]

    def warm_up(self) -> float:
        """One request of each kind before the clock starts: the first trace loads the models, the
        first outlet page analyses the store; memory is measured from there on."""
        import httpx

        started = time.perf_counter()
        rng = random.Random(-1)
        with httpx.Client(base_url=self.base, timeout=600) as client:
            for kind in MIX:
                r = self.request(kind, client, rng)
                if r.status_code != 200:
                    raise SystemExit(f"warm-up {kind}: {r.status_code} {r.text[:300]}")
        return round(time.perf_counter() - started, 1)

    def request(self, kind: str, client, rng: random.Random):
        if kind == "trace":
            with self.lock:
                self.serial += 1
                serial = self.serial
            if self.texts:  # a fixed pool: once each text is stored, the store stops growing
                serial %= self.texts
                text = new_text(self.bases[serial % len(self.bases)], random.Random(serial), serial)
            else:
                text = new_text(rng.choice(self.bases), rng, serial)
            return client.post("/api/trace", json={"text": text})
        if kind == "api_search":
            params = {"q": rng.choice(SEARCH_WORDS)}
            if rng.random() < 0.3:
                params["lang"] = rng.choice(LANGS)
            if rng.random() < 0.2:
                params["kind"] = rng.choice(KINDS)
            return client.get("/api/search", params=params)
        if kind == "search":
            return client.get("/search", params={"q": rng.choice(SEARCH_WORDS) + " " + rng.choice(SEARCH_WORDS)})
        path = {"index": "/", "outlets": "/outlets", "network": "/network", "stories": "/stories",
                "outlet": "/outlets/" + rng.choice(self.outlets), "story": "/stories/" + rng.choice(self.stories),
                "article": "/articles/" + rng.choice(self.articles)}[kind]
        params = {}
        if kind == "network" and rng.random() < 0.3:
            params["lang"] = rng.choice(LANGS)
        return client.get(path, params=params)

    def record(self, kind: str, seconds: float, status: int | None, body: str) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            if status == 503 and kind == "trace" and '"busy"' in body:
                self.busy += 1
            elif status is None or status >= 500 or (status >= 400 and not (kind == "trace" and status == 422)):
                self.errors[kind] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind} {status}: {body[:300]}")

    def client(self, index: int, until: float) -> None:
        import httpx

        rng = random.Random(self.rng.random() + index)
        kinds, weights = list(MIX), list(MIX.values())
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while time.monotonic() < until:
                time.sleep(rng.uniform(0, 2 * self.think))
                kind = rng.choices(kinds, weights)[0]
                started = time.perf_counter()
                try:
                    r = self.request(kind, client, rng)
                    status, body = r.status_code, r.text
                except httpx.HTTPError as exc:
                    status, body = None, f"{type(exc).__name__}: {exc}"
                self.record(kind, time.perf_counter() - started, status, body)


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    v = sorted(values)

    def q(p: float) -> float:
        return round(v[min(len(v) - 1, int(round(p * (len(v) - 1))))], 4)

    return {"count": len(v), "p50_s": q(0.5), "p95_s": q(0.95), "p99_s": q(0.99), "max_s": round(v[-1], 4),
            "mean_s": round(sum(v) / len(v), 4)}


def store_counts(base: str) -> dict:
    import httpx

    return httpx.get(base + "/index.json", timeout=60).json()["store"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0, help="Seconds of load (default 600).")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.5,
                        help="Mean seconds a client waits between requests (uniform in 0..2x).")
    parser.add_argument("--sample", type=float, default=2.0, help="Seconds between memory samples.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--texts", type=int, default=0,
                        help="Trace texts from a pool of this many (0: a new text every time). With a pool the"
                             " store stops growing once each text is stored, which separates the server's own"
                             " memory from the store's growth.")
    parser.add_argument("--out", default=None, help="Write the figures as JSON here.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary store and server log.")
    parser.add_argument("--from-store", default=None,
                        help="Start from a copy of this store (one --keep kept: DIR/store.db) instead of building one.")
    args = parser.parse_args()
    import psutil

    work = Path(tempfile.mkdtemp(prefix="unspun-soak-"))
    busy_before = pytest_processes()
    load_before = os.getloadavg()
    if args.from_store:
        import shutil

        for f in Path(args.from_store).parent.glob(Path(args.from_store).name + "*"):
            shutil.copy2(f, work / f.name.replace(Path(args.from_store).name, "store.db", 1))
        setup = {"copied_from": args.from_store}
    else:
        print(f"building the store in {work} …", flush=True)
        setup = build_store(work)
    port = free_port()
    server = start_server(work, port)
    base = f"http://127.0.0.1:{port}"
    try:
        proc = psutil.Process(server.pid)
        load = Load(base, args.seed, args.think, args.texts)
        warm_s = load.warm_up()
        before = store_counts(base)
        print(f"{before['articles']} articles, {before['links']} links, {before['outlets']} outlets; "
              f"{args.clients} clients for {args.duration:.0f} s on {os.cpu_count()} cores", flush=True)
        memory: list[tuple[float, int]] = []
        machine: list[tuple[float, int]] = []  # load average over a minute, pytest processes
        cpu_start = sum(proc.cpu_times()[:2])
        started = time.monotonic()
        until = started + args.duration
        threads = [threading.Thread(target=load.client, args=(i, until), daemon=True) for i in range(args.clients)]
        for t in threads:
            t.start()
        while time.monotonic() < until:
            memory.append((round(time.monotonic() - started, 1), rss(proc)))
            machine.append((os.getloadavg()[0], pytest_processes()))
            done = sum(len(v) for v in load.samples.values())
            print(f"\r{memory[-1][0]:6.0f} s  {done:7d} requests  {sum(load.errors.values())} errors  "
                  f"{load.busy} busy  rss {memory[-1][1] / 2**20:6.0f} MiB", end="", flush=True)
            time.sleep(args.sample)
        for t in threads:
            t.join(timeout=120)
        elapsed = time.monotonic() - started
        memory.append((round(elapsed, 1), rss(proc)))
        cpu_s = sum(proc.cpu_times()[:2]) - cpu_start
        after = store_counts(base)
        print(flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    third = max(1, len(memory) // 3)
    first, last = memory[:third], memory[-third:]
    mean = lambda rows: sum(r for _, r in rows) / len(rows) / 2**20  # noqa: E731
    pages = [s for k in PAGES for s in load.samples[k]]
    by_type = {k: dict(percentiles(v), errors=load.errors[k]) for k, v in load.samples.items()}
    by_type["trace"]["busy"] = load.busy
    requests = sum(len(v) for v in load.samples.values())
    page_p95 = percentiles(pages).get("p95_s")
    growth = mean(last) - mean(first)
    last_rate = (last[-1][1] - last[0][1]) / 2**20 / max((last[-1][0] - last[0][0]) / 60, 1e-9)
    result = {
        "command": "python benchmarks/soak.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "pytest_processes_before": busy_before,
        "load_average_during": {"mean": round(sum(l for l, _ in machine) / len(machine), 2),
                                "max": round(max(l for l, _ in machine), 2)},
        "share_of_samples_with_other_pytest_running": round(sum(1 for _, n in machine if n) / len(machine), 2),
        "clients": args.clients, "think_mean_s": args.think, "duration_s": round(elapsed, 1), "mix": MIX,
        "setup": dict(setup, warm_up_s=warm_s), "plant": PLANT, "store_before": before, "store_after": after,
        "requests": requests, "requests_per_s": round(requests / elapsed, 2),
        "errors": sum(load.errors.values()), "busy": load.busy, "error_samples": load.error_samples,
        "traces_run": len(load.samples["trace"]) - load.busy - load.errors["trace"],
        "pages": percentiles(pages), "by_type": by_type,
        "server_cpu_s": round(cpu_s, 1),
        "rss_mib": {"max": round(max(r for _, r in memory) / 2**20, 1), "first": round(memory[0][1] / 2**20, 1),
                    "last": round(memory[-1][1] / 2**20, 1), "first_third_mean": round(mean(first), 1),
                    "last_third_mean": round(mean(last), 1), "growth_first_to_last_third": round(growth, 1),
                    "growth_pct": round(100 * growth / mean(first), 1),
                    "last_third_mib_per_min": round(last_rate, 2),
                    "samples": [[t, round(r / 2**20, 1)] for t, r in memory]},
        "targets": {"no_errors": sum(load.errors.values()) == 0,
                    "page_p95_under_0.5_s": page_p95 is not None and page_p95 < 0.5,
                    "memory_growth_under_10_pct": growth < 0.1 * mean(first)},
    }
    print(json.dumps({k: v for k, v in result.items() if k not in ("rss_mib", "by_type", "mix", "plant")}, indent=1))
    for k, v in by_type.items():
        print(f"{k:<11} {v.get('count', 0):6d}  p50 {v.get('p50_s', 0):6.3f}  p95 {v.get('p95_s', 0):6.3f}"
              f"  p99 {v.get('p99_s', 0):6.3f}  errors {v['errors']}" + (f"  busy {v['busy']}" if "busy" in v else ""))
    print("rss MiB:", {k: v for k, v in result["rss_mib"].items() if k != "samples"})
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"store and serve.log kept in {work}")


if __name__ == "__main__":
    main()
