"""Benchmarks: run them by hand (see docs/benchmarks.md); they are never part of the test suite."""
