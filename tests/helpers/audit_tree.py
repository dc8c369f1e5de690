"""A generated audit tree: every fixture case's input copied many times, plus unreadable and non-badge files.

`build_tree(root, copies)` writes:
- `root/badges/<copy>/<case>/<input file>` for every `fixtures/cases/<case>/` (those in ONCE in copy000 only);
- a few files that are no badge (random bytes, empty, text, a JPEG header, a PDF) and a few that cannot
  be read (broken symlinks, a symlink loop; as a non-root user also a file with mode 000);
- `root/documents/`: one document store merging every case's store (the first case to name a URL wins:
  the audit and the one-by-one `verify` calls it is compared with use the same store);
- `root/manifest.csv`: each copy's recipients from its case's `expected.json`.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any, NamedTuple

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = "2024-06-01T00:00:00Z"
ONCE = ("ob3-context-alias-flood-signed", "ob3-context-alias-flood-tampered")
"""Inputs copied once only: each takes about a second to verify (a JSON-LD work limit is reached on
purpose), and the test verifies every file three times over; together they were most of its time."""


class Tree(NamedTuple):
    badges: Path
    documents: Path
    manifest: Path
    files: int
    recipients: dict[str, tuple[str, ...]]
    """path (as the audit names it) -> recipients from the manifest"""


def _inputs() -> list[tuple[str, Path, tuple[str, ...]]]:
    out = []
    for case in sorted(CASES.iterdir()):
        expected = json.loads((case / "expected.json").read_text())
        recipients = tuple(expected.get("recipients") or ())
        out.append((case.name, case / str(expected["input"]), recipients))
    return out


def _merge_documents(target: Path) -> None:
    target.mkdir(parents=True)
    index: dict[str, Any] = {}
    for case in sorted(CASES.iterdir()):
        store = case / "documents"
        if not (store / "index.json").exists():
            continue
        entries = json.loads((store / "index.json").read_text())
        shutil.copytree(store, target / case.name)
        for url, entry in entries.items():
            if url in index:
                continue
            if isinstance(entry, str):
                index[url] = f"{case.name}/{entry}"
            elif isinstance(entry, dict) and isinstance(entry.get("file"), str):
                index[url] = {**entry, "file": f"{case.name}/{entry['file']}"}
            else:
                index[url] = entry
    (target / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True))


def build_tree(root: Path, copies: int) -> Tree:
    badges = root / "badges"
    rng = random.Random(16)
    recipients: dict[str, tuple[str, ...]] = {}
    rows: list[tuple[str, str]] = []
    count = 0
    inputs = _inputs()
    for n in range(copies):
        for case, source, wanted in inputs:
            if n and case in ONCE:
                continue
            target = badges / f"copy{n:03d}" / case / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            rows.append((os.path.relpath(target, root), ";".join(wanted)))
            recipients[str(target)] = wanted
            count += 1
    odd = badges / "odd"
    odd.mkdir()
    (odd / "random.bin").write_bytes(rng.randbytes(4096))
    (odd / "empty.json").write_bytes(b"")
    (odd / "notes.txt").write_text("minutes of the accreditation meeting\n")
    (odd / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(512))
    (odd / "letter.pdf").write_bytes(b"%PDF-1.4\n" + rng.randbytes(256))
    (odd / "list.json").write_text("[1, 2, 3]")
    count += 6
    for i in range(3):
        (odd / f"dangling{i}.png").symlink_to(odd / f"gone{i}.png")
        count += 1
    (odd / "loop.json").symlink_to(odd / "loop.json")
    count += 1
    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        locked = odd / "locked.json"
        shutil.copyfile(inputs[0][1], locked)
        locked.chmod(0)
        count += 1
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "recipient"])
        writer.writerows(rows)
    documents = root / "documents"
    _merge_documents(documents)
    return Tree(badges, documents, manifest, count, recipients)
