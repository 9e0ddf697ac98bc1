"""Benchmarks and measurements that print tables (`make bench` runs `python -m bench`)."""
