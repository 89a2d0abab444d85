"""Who launders whom: the propagation analysis of a store's links.

One pass reads the links (``data.load``), builds the outlet graph with its stories, communities
and roles (``outlets.build``); views, reports and exports are drawn from that one object::

    graph = analyse(store, Filters.of(since="2025-01-01", langs=["fr"]))
    outlet_profile(store, graph, "rt.com")["summary"]
    story_detail(store, graph, article_id)
    network_view(graph, max_nodes=150)

The CLI (``unspun outlet``, ``stories``, ``report``, ``export``) and the web pages only call these.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from ..store import Store
from .data import UNKNOWN_OUTLET, FilterError, Filters, LinkData, iso, load
from .outlets import ROLES, OutletGraph, build
from .stories import Story, find_stories, story_of
from .views import OutletNotFound, StoryNotFound, network_view, outlet_profile, profile_sentences, story_detail, story_list

__all__ = [
    "Filters", "FilterError", "LinkData", "OutletGraph", "OutletNotFound", "ROLES", "Story", "StoryNotFound",
    "UNKNOWN_OUTLET", "analyse", "build", "find_stories", "fingerprint", "iso", "load", "network_view",
    "outlet_profile", "profile_sentences", "story_detail", "story_list", "story_of",
]


def analyse(store: Store, filters: Filters | None = None) -> OutletGraph:
    """The outlet graph of the store's links under ``filters``."""
    return build(load(store, filters))


def fingerprint(store: Store) -> tuple:
    """Changes whenever articles, links or artifacts are added or removed (a cheap cache key)."""
    return tuple(store.db.execute(
        "SELECT (SELECT COUNT(*) FROM articles), (SELECT IFNULL(MAX(rowid), 0) FROM articles),"
        " (SELECT COUNT(*) FROM links), (SELECT IFNULL(MAX(rowid), 0) FROM links),"
        " (SELECT IFNULL(MAX(created_at), '') FROM links), (SELECT COUNT(*) FROM artifacts)").fetchone())


class AnalysisCache:
    """The last few analyses of one store, keyed by filters and the store's fingerprint (the web
    server asks for the same graph on every network, outlet and story page)."""

    def __init__(self, size: int = 8):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, store: Store, filters: Filters | None = None) -> OutletGraph:
        key = (filters or Filters(), fingerprint(store))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        graph = analyse(store, filters)
        with self._lock:
            self._items[key] = graph
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return graph
