"""`audit`: lazy, ordered, bounded bulk verification with one instant for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from obverify import DocumentStore, audit

AT = datetime(2024, 6, 1, tzinfo=UTC)


def test_audit_yields_in_order_with_one_instant(tmp_path: Path) -> None:
    paths = []
    for i in range(9):
        p = tmp_path / f"f{i}.txt"
        p.write_bytes(b"junk %d" % i)
        paths.append(p)
    results = list(audit(paths, jobs=2, at=AT, loader=DocumentStore()))
    assert [p for p, _ in results] == paths
    assert all(r.checked_at == AT for _, r in results)
    assert all(r.codes() == ["input_invalid"] for _, r in results)


def test_audit_is_lazy(tmp_path: Path) -> None:
    consumed: list[int] = []

    def gen() -> Iterator[Path]:
        for i in range(1000):
            consumed.append(i)
            p = tmp_path / f"g{i}"
            p.write_bytes(b"x")
            yield p

    it = audit(gen(), jobs=1, at=AT, loader=DocumentStore())
    next(it)
    assert len(consumed) < 10
