"""Benchmarks: each ``bench_*.py`` module measures a ratio against the obvious alternative in the same run."""
