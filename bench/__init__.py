"""Benchmarks, run by hand (never as timed tests). See docs/performance.md."""
