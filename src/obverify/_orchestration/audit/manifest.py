"""`--manifest FILE.csv`: each file checked against its own learner, as an auditor with a registry does.

The CSV has a header with (at least) the columns `path` and `recipient`; several recipients in one cell
are separated by `;`. A relative `path` is relative to the manifest's own directory (as a document store's
`index.json` names files relative to its directory), so a manifest works from wherever the audit is run.
A path listed twice gets the recipients of both rows. A row with an empty `recipient` means: check no
recipient for that file. Files the manifest does not list get `--recipient` (if any).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping


class ManifestError(ValueError):
    """The manifest cannot be used (a usage error)."""


def key(path: str) -> str:
    """How a path is looked up: absolute and normalised (symlinks are not resolved)."""
    return os.path.abspath(path)


def load_manifest(name: str) -> Mapping[str, tuple[str, ...]]:
    """Read the manifest into a mapping of `key(path)` to recipients."""
    base = os.path.dirname(os.path.abspath(name))
    out: dict[str, tuple[str, ...]] = {}
    try:
        with open(name, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            if "path" not in fields or "recipient" not in fields:
                raise ManifestError(f"{name}: needs a header with the columns 'path' and 'recipient'")
            for line, row in enumerate(reader, start=2):
                path, cell = row.get("path"), row.get("recipient")
                if not isinstance(path, str) or not path.strip():
                    raise ManifestError(f"{name}, line {line}: empty path")
                recipients = tuple(r.strip() for r in (cell or "").split(";") if r.strip())
                full = key(os.path.join(base, path.strip()))
                known = out.get(full, ())
                out[full] = known + tuple(r for r in recipients if r not in known)
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {name}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ManifestError(f"{name}: not a UTF-8 CSV file ({exc})") from None
    return out
