"""Where a snapshot keeps the records behind an item score (SnapshotEvidence, frozen at compile time).

An item score stores {"source": key, **scope}: the owners counted (pairs, partnerships, a unit, ids) and
how (kinds, window, to-date). The records of a scope are listed once per snapshot and shared by the
branches with the same scope (a pair's branches); a scope without owners is the branch's own (its
activities), so its records are kept per branch.
"""

from __future__ import annotations

import hashlib
import json

# Keys of a stored scope that say how records were counted, not whose they are.
QUERY_KEYS = frozenset({"source", "kinds", "categories", "window", "to"})
# Sources whose labels contain words of the interface (month names, kinds): frozen in every language.
TRANSLATED_EVIDENCE = frozenset({"duty_targets_met", "information_exchanges"})


def evidence_is_shared(stored: dict) -> bool:
    """True when the scope names its owners (then every branch with that scope shares the records)."""
    return any(k not in QUERY_KEYS for k in stored)


def evidence_key(stored: dict, branch_id: int) -> str:
    text = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if not evidence_is_shared(stored):
        text += f"|branch={branch_id}"
    return hashlib.sha1(text.encode()).hexdigest()
