"""Benchmarks: `make bench` (`python -m bench`) runs each module's `run()` and prints tables."""
