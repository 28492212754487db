"""Benchmarks: each module prints a ratio against a named baseline and ends with one JSON line."""
