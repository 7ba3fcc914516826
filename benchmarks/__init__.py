"""Benchmarks of civic, run with `python -m benchmarks` (`make bench`)."""
