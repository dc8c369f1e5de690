"""Record mode: `obverify verify ... --record DIR` (DESIGN.md §3, §5; SECURITY.md ground rules).

`RecordingLoader` wraps the loader a run uses and writes every answer into DIR in the `DocumentStore`
format: each body as a file named by its SHA-256, and `index.json` mapping the URL asked for to
`{"file", "contentType", "status", "finalUrl"}`. A fetch that failed is written as
`{"error", "reason", "status"}`, so a later `--offline --documents DIR` run meets the same failures and
reproduces the verdict exactly: the basis of offline audits.

`index.json` is rewritten (to a temporary file, then renamed) after every document, so an interrupted
run still leaves a readable store. An existing `index.json` in DIR is extended, not discarded.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import TYPE_CHECKING, Any

from obverify._core.errors import LoadError
from obverify._core.loader import Document, Loader
from obverify._core.strictjson import JSONError, parse_json

if TYPE_CHECKING:
    from pathlib import Path

_EXTENSIONS = {
    "application/json": ".json",
    "application/ld+json": ".json",
    "image/png": ".png",
    "image/svg+xml": ".svg",
    "application/jwt": ".jwt",
    "text/plain": ".txt",
}


def _extension(content_type: str | None) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    return _EXTENSIONS.get(media, ".bin")


class RecordingLoader:
    """A loader that passes every request to `inner` and records the answer (or the failure) in `directory`."""

    def __init__(self, inner: Loader, directory: str | Path) -> None:
        from pathlib import Path  # only when recording (a verify without --record never imports it)

        self.inner = inner
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._index: dict[str, Any] = self._read_existing()
        if not (self.directory / "index.json").exists():
            self._write_atomic(self.directory / "index.json", b"{}\n")  # a valid store even if nothing is fetched

    def _read_existing(self) -> dict[str, Any]:
        path = self.directory / "index.json"
        if not path.exists():
            return {}
        try:
            index = parse_json(path.read_bytes())
        except (OSError, JSONError) as exc:
            raise ValueError(f"cannot extend {path}: {exc}") from None
        if not isinstance(index, dict):
            raise ValueError(f"cannot extend {path}: not a JSON object")
        return index

    def load(self, url: str, *, accept: str | None = None) -> Document:
        """Load through `inner`, record what came back, and pass it on unchanged."""
        try:
            doc = self.inner.load(url, accept=accept)
        except LoadError as exc:
            entry: dict[str, Any] = {"error": str(exc.code), "reason": exc.reason}
            if exc.status is not None:
                entry["status"] = exc.status
            self._record(url, entry, None)
            raise
        name = hashlib.sha256(doc.content).hexdigest() + _extension(doc.content_type)
        entry = {"file": name, "contentType": doc.content_type, "status": doc.status}
        if doc.final_url is not None and doc.final_url != url:
            entry["finalUrl"] = doc.final_url
        self._record(url, entry, (name, doc.content))
        return doc

    def _record(self, url: str, entry: dict[str, Any], body: tuple[str, bytes] | None) -> None:
        with self._lock:
            if body is not None:
                path = self.directory / body[0]
                if not path.exists():
                    self._write_atomic(path, body[1])
            self._index[url] = entry
            data = json.dumps(self._index, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
            self._write_atomic(self.directory / "index.json", data.encode("ascii"))

    @staticmethod
    def _write_atomic(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
