"""Labelled sets beyond the dev corpora: the real-world story clusters (``real``) and cases of
real-world derivations constructed from the dev corpora's documents (``constructed``)."""
