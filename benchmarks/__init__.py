"""farmscore's benchmark harness: throughput beside datatrove's Gopher filters and textstat,
scaling over processes, pathological inputs and the memory of gating a stream.

Run it from the repository root as `python -m benchmarks` (or `make bench`); see README.md.
"""
