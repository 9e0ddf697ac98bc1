"""Benchmarks: `python -m bench` (or `make bench`) runs them and prints their tables.

They are measurements, not tests: nothing here fails on a slow machine. Each benchmark sets up
its own throw-away SQLite database, so it never touches the site's data.
"""
