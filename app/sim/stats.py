"""The shift's tally, shared by every thread of the simulator: counters, refusals by kind, office outcomes and
findings (what a developer must look at: a wrong scan that was accepted, a traceback, a broken answer).

Why one locked object: a dozen threads count at once, and the summary must add up (injected = refused +
accepted) however they interleave.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def error_line(text: str) -> str:
    """The line that names a traceback's exception (``IntegrityError: ...``), without SQLAlchemy's trailers."""
    for line in reversed(text.strip().splitlines()):
        if line.strip() and not line.startswith((" ", "(Background", "[SQL", "[parameters", "DETAIL", "HINT")):
            return line.strip()[:300]
    return ""


MAX_FINDINGS = 60
"""Findings kept in full; the rest are only counted (a broken station can repeat one problem thousands of times)."""


@dataclass(frozen=True)
class Finding:
    kind: str
    station: str
    detail: str
    transcript: tuple[tuple[str, Any], ...] = ()
    """The last lines sent and the answers they got, oldest first, so the finding can be replayed by hand."""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "station": self.station, "detail": self.detail}
        if self.transcript:
            data["transcript"] = [{"sent": sent, "answer": answer} for sent, answer in self.transcript]
        return data


@dataclass
class Stats:
    counts: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    """Injected wrong scans by kind (``wrong_item``...), and ``<kind>.refused`` for those refused."""
    refusals: Counter[str] = field(default_factory=Counter)
    """Refused lines that were not injected mistakes, by ``<role>.<intent>``."""
    refusal_samples: dict[str, str] = field(default_factory=dict)
    office: Counter[str] = field(default_factory=Counter)
    """``<action>.done`` / ``<action>.refused``."""
    office_samples: dict[str, str] = field(default_factory=dict)
    """The first refusal message of each office action (why the service said no)."""
    findings: list[Finding] = field(default_factory=list)
    finding_kinds: Counter[str] = field(default_factory=Counter)
    repeats: Counter[str] = field(default_factory=Counter)
    """Findings seen again after their first (kept in full once), by kind and what made them the same."""
    answer_ms: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """``(time.perf_counter() when answered, milliseconds from sending the line to reading its answer)`` by
    ``<role>.scan`` / ``<role>.key`` (the pipe included: what a scanner front end waits for)."""
    stamps: dict[str, list[float]] = field(default_factory=dict)
    """When each ``stamp``-ed count happened."""
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counts[key] += n

    def get(self, key: str) -> int:
        with self._lock:
            return self.counts[key]

    def fault(self, kind: str, *, refused: bool) -> None:
        with self._lock:
            self.counts["wrong_scans_injected"] += 1
            self.faults[kind] += 1
            if refused:
                self.counts["wrong_scans_refused"] += 1
                self.faults[f"{kind}.refused"] += 1
            else:
                self.counts["wrong_scans_accepted"] += 1

    def stamp(self, key: str, at: float) -> None:
        """Count ``key`` and remember when (``time.perf_counter()``): benchmarks count only a steady window."""
        with self._lock:
            self.counts[key] += 1
            self.stamps.setdefault(key, []).append(at)

    def answered(self, kind: str, at: float, milliseconds: float) -> None:
        with self._lock:
            self.answer_ms.setdefault(kind, []).append((at, milliseconds))

    def refusal(self, kind: str, message: str) -> None:
        with self._lock:
            self.refusals[kind] += 1
            self.refusal_samples.setdefault(kind, message)

    def office_action(self, action: str, outcome: str, message: str = "") -> None:
        with self._lock:
            self.office[f"{action}.{outcome}"] += 1
            if message:
                self.office_samples.setdefault(action, message)

    def finding(
        self,
        kind: str,
        station: str,
        detail: str,
        transcript: Sequence[tuple[str, Any]] = (),
        *,
        once: bool = False,
        key: str | None = None,
    ) -> None:
        """Record a finding. With ``once`` (same kind and detail) or a ``key``, only the first of its kind is kept
        in full; the repeats are counted."""
        with self._lock:
            self.finding_kinds[kind] += 1
            dedupe = key if key is not None else (detail if once else None)
            if dedupe is not None:
                if (kind, dedupe) in self._seen:
                    self.repeats[f"{kind}:{dedupe}"[:200]] += 1
                    return
                self._seen.add((kind, dedupe))
            if len(self.findings) < MAX_FINDINGS:
                self.findings.append(Finding(kind, station, detail, tuple(transcript)))

    def traceback(self, station: str, text: str) -> None:
        """A Python traceback (or a line that is not the JSON the contract promises) seen anywhere in the shift;
        the same error (last line) at the same place is kept in full once."""
        self.add("tracebacks")
        self.finding("traceback", station, text, key=f"{station.split(':')[0]}:{error_line(text)}")

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counts": dict(self.counts),
                "faults": dict(self.faults),
                "refusals": dict(self.refusals),
                "refusal_samples": dict(self.refusal_samples),
                "office": dict(self.office),
                "office_samples": dict(self.office_samples),
                "findings": [f.as_json() for f in self.findings],
                "finding_kinds": dict(self.finding_kinds),
                "finding_repeats": dict(self.repeats),
                "answer_ms": {kind: [ms for _, ms in values] for kind, values in self.answer_ms.items()},
            }
