"""Summarise .ci/api-fuzz's calls: cases per operation, how many got past validation (any answer but
400), and the operations none of whose cases did. Exit 1 on a server error or a read never past 400."""

import collections
import sys

calls = collections.defaultdict(collections.Counter)
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        label, status = line.rstrip("\n").rsplit("\t", 1)
        calls[label][int(status)] += 1

total = sum(sum(c.values()) for c in calls.values())
server_errors = {label: c for label, c in calls.items() if any(s >= 500 for s in c)}
never_past = sorted(label for label, c in calls.items() if set(c) <= {400})
reads_never_past = [label for label in never_past if label.startswith("GET ")]
past = sum(n for c in calls.values() for s, n in c.items() if s != 400)
print(f"api-fuzz: {len(calls)} operations, {total} cases run, {past} past validation, "
      f"{sum(n for c in server_errors.values() for s, n in c.items() if s >= 500)} server errors")
for label in never_past:
    print(f"  only 400 answers: {label} {dict(calls[label])}")
for label, c in server_errors.items():
    print(f"  SERVER ERROR: {label} {dict(c)}")
expected = int(sys.argv[2]) if len(sys.argv) > 2 else 0
if expected and len(calls) < expected:
    print(f"api-fuzz: only {len(calls)} of {expected} operations were called")
    sys.exit(1)
sys.exit(1 if server_errors or reads_never_past else 0)
