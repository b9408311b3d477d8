"""`pfa loadtest`: many concurrent users against a real `pfa serve`, mixed reads and draft saves,
latency per operation and the error count (docs/benchmarks.md, "Load")."""
