"""Benchmarks at the scale of a whole oilfield, each measured against its floor in the same run.

`python -m bench.run` (or `make bench`) generates a synthetic organisation in its own PostgreSQL
database, then measures the ranking compile, the busiest pages under load and the quarter's Excel
export, each as a ratio to the best the same machine does for the same work. See `bench/run.py`.
"""

FULL_SCALE = {
    "branches": 5000,
    "pairs": 2500,
    "partnerships": 300,
    "members": 100_000,
    "activities": 500_000,
}

# `--scale small` is 1/50 of a whole oilfield: generated and measured in a couple of minutes; `10x` is a group
# company of ten oilfields (50,000 branches, 5 million activities).
NAMED_SCALES = {"small": 0.02, "full": 1.0, "10x": 10.0}
MAX_FACTOR = 10.0
