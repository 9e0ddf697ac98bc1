"""Benchmarks, printed as tables: `make bench` (`python -m bench`). Not timed tests."""
