"""Slow but obvious references on the SNAP Higgs log, for the relationship and two-way tests.

Everything here reads the file with gzip and loops in plain Python: independent of the
library's numpy kernels.
"""

from __future__ import annotations

import gzip
from pathlib import Path

WEEK = 7 * 86_400


def higgs_lines(path: Path) -> list[tuple[int, int, int, str]]:
    """Every line of the log, read with gzip and split by hand."""
    with gzip.open(path, "rt") as fh:
        words = fh.read().split()
    return list(zip(map(int, words[0::4]), map(int, words[1::4]), map(int, words[2::4]),
                    words[3::4], strict=True))


def reference_reply_back(events: list[tuple[int, int, int, str]], u: int, v: int,
                         horizon: int = WEEK) -> tuple[int, int, list[float]]:
    """Slow but obvious: u's RE lines to v, and for each the first RE of v to u strictly
    later and at most ``horizon`` seconds later."""
    items = [t for a, b, t, code in events if (a, b, code) == (u, v, "RE")]
    backs = [t for a, b, t, code in events if (a, b, code) == (v, u, "RE")]
    answered, hours = 0, []
    for t in items:
        later = [s for s in backs if t < s <= t + horizon]
        if later:
            answered += 1
            hours.append((min(later) - t) / 3600)
    return len(items), answered, hours


def reference_answer(events: list[tuple[int, int, int, str]], u: int, v: int,
                     horizon: int = WEEK) -> tuple[int, int, list[float]]:
    """v's RE and MT lines to u (two items when a tweet has both), each answered by u's
    first RE to v strictly later within the horizon."""
    items = [t for a, b, t, code in events if (a, b) == (v, u) and code in ("RE", "MT")]
    backs = [t for a, b, t, code in events if (a, b, code) == (u, v, "RE")]
    answered, hours = 0, []
    for t in items:
        later = [s for s in backs if t < s <= t + horizon]
        if later:
            answered += 1
            hours.append((min(later) - t) / 3600)
    return len(items), answered, hours


def reference_account(lines: list[tuple[int, int, int, str]], u: int, observed_until: int,
                      horizon: int = WEEK) -> dict[str, float | int | list[float]]:
    """Account u's two-way measures from the lines that involve it: its RE lines to others
    and the first RE back from the recipient; the RE and MT lines others addressed to it
    and its first RE back to the sender; each within (t, t + horizon]."""
    to_others = [(b, t) for a, b, t, code in lines if a == u and b != u and code == "RE"]
    addressed = [(a, t) for a, b, t, code in lines if b == u and a != u and code in ("RE",
                                                                                     "MT")]
    replies_to: dict[int, list[int]] = {}  # RE of someone to u, by that someone
    replies_of_u: dict[int, list[int]] = {}  # RE of u, by recipient
    for a, b, t, code in lines:
        if code != "RE" or a == b:
            continue
        if b == u:
            replies_to.setdefault(a, []).append(t)
        if a == u:
            replies_of_u.setdefault(b, []).append(t)

    def first_after(times: list[int], t: int) -> int | None:
        later = [s for s in times if t < s <= t + horizon]
        return min(later) if later else None

    back = [first_after(replies_to.get(v, []), t) for v, t in to_others]
    back_hours = [(s - t) / 3600 for (_, t), s in zip(to_others, back, strict=True) if s is not None]
    answer = [first_after(replies_of_u.get(v, []), t) for v, t in addressed]
    waits, events = [], []
    for (_, t), s in zip(addressed, answer, strict=True):
        if s is not None:
            waits.append(s - t)
            events.append(True)
        else:
            waits.append(max(0, min(horizon, observed_until - t)))
            events.append(False)
    return {
        "replies": len(to_others),
        "replied_back": len(back_hours),
        "reply_back_hours": back_hours,
        "addressed": len(addressed),
        "answered": sum(events),
        "answer_hours": [w / 3600 for w, e in zip(waits, events, strict=True) if e],
        "km_hours": km_median_reference(waits, events) / 3600,
    }


def km_median_reference(durations: list[float], events: list[bool]) -> float:
    """Kaplan-Meier median by the textbook product, one event time at a time: the first
    time the survival estimate is at most one half (NaN if never)."""
    survival = 1.0
    for t in sorted({d for d, e in zip(durations, events, strict=True) if e}):
        at_risk = sum(1 for d in durations if d >= t)
        died = sum(1 for d, e in zip(durations, events, strict=True) if e and d == t)
        survival *= 1 - died / at_risk
        if survival <= 0.5 + 1e-9:
            return float(t)
    return float("nan")
