"""`DocumentStore`: documents served from memory or from a directory with `index.json` (DESIGN.md §3).

`index.json` maps an absolute URL to a file name relative to the directory, or to
`{"file": NAME, "contentType": TYPE, "status": CODE}` (`status` is our extension, so a store can replay a
hosted assertion answering 410 Gone). Two more extensions let record mode (`loaders/record.py`) replay a
run exactly: `"finalUrl"` (where redirects ended) and, instead of `file`, `{"error": CODE, "reason": TEXT}`
with an optional `status` for a fetch that failed when it was recorded. The store is trusted (SECURITY.md
ground rules) and records every URL asked of it, in order, so tests can assert what was (and was not) requested.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from obverify._core.errors import Code, LoadError
from obverify._core.loader import Document, Loader
from obverify._core.strictjson import JSONError, parse_json

if TYPE_CHECKING:
    from pathlib import Path


class DocumentStore:
    """A mapping of URL to document; a miss raises `fetch_failed` unless a fallback loader is given."""

    def __init__(
        self,
        documents: Mapping[str, bytes | str | Document] | None = None,
        *,
        fallback: Loader | None = None,
    ) -> None:
        self._docs: dict[str, Document] = {}
        self._errors: dict[str, LoadError] = {}
        self._lock = threading.Lock()
        self.fallback = fallback
        self.requested: list[str] = []
        for url, doc in (documents or {}).items():
            self.add(url, doc)

    def __getstate__(self) -> dict[str, object]:
        """Picklable (without its lock and request log), so an audit's worker processes each get a copy."""
        return {"docs": self._docs, "errors": self._errors, "fallback": self.fallback}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(fallback=state["fallback"])  # type: ignore[misc]
        self._docs.update(state["docs"])  # type: ignore[call-overload]
        self._errors.update(state["errors"])  # type: ignore[call-overload]

    def add(self, url: str, doc: bytes | str | Document, *, content_type: str | None = None) -> None:
        """Serve `doc` at `url` from now on."""
        if isinstance(doc, Document):
            self._docs[url] = doc
        else:
            content = doc.encode("utf-8") if isinstance(doc, str) else doc
            self._docs[url] = Document(url=url, content=content, content_type=content_type)

    def add_error(self, url: str, error: LoadError) -> None:
        """Answer `url` with this failure from now on (a recorded `fetch_failed` or `url_blocked`)."""
        self._errors[url] = LoadError(error.code, url, error.reason, status=error.status)

    def __contains__(self, url: object) -> bool:
        return url in self._docs or url in self._errors

    def urls(self) -> list[str]:
        """Every URL the store serves."""
        return list(self._docs)

    def load(self, url: str, *, accept: str | None = None) -> Document:
        """Serve `url` from the store, else from the fallback, else fail with `fetch_failed`."""
        with self._lock:
            self.requested.append(url)
        doc = self._docs.get(url)
        if doc is not None:
            return doc
        err = self._errors.get(url)
        if err is not None:
            raise LoadError(err.code, url, err.reason, status=err.status)
        if self.fallback is not None:
            return self.fallback.load(url, accept=accept)
        raise LoadError(Code.FETCH_FAILED, url, "not in the document store (offline)")

    @classmethod
    def from_directory(cls, directory: str | Path, *, fallback: Loader | None = None) -> DocumentStore:
        """Read `directory/index.json`; raise `ValueError` (a usage error) if it is missing or malformed."""
        from pathlib import Path  # only for a store read from disk (a verify without one never imports it)

        root = Path(directory)
        index_path = root / "index.json"
        try:
            index = parse_json(index_path.read_bytes())
        except (OSError, JSONError) as exc:
            raise ValueError(f"cannot read document store index {index_path}: {exc}") from None
        if not isinstance(index, dict):
            raise ValueError(f"{index_path}: must be a JSON object mapping URLs to files")
        store = cls(fallback=fallback)
        base = root.resolve()
        for url, entry in index.items():
            final_url: str | None = None
            if isinstance(entry, str):
                name, ctype, status = entry, None, 200
            elif isinstance(entry, dict) and "file" not in entry and "error" in entry:
                store.add_error(url, _recorded_error(index_path, url, entry))
                continue
            elif isinstance(entry, dict) and isinstance(entry.get("file"), str):
                name = entry["file"]
                ctype = entry.get("contentType") if isinstance(entry.get("contentType"), str) else None
                status = entry.get("status", 200) if isinstance(entry.get("status", 200), int) else 200
                final_url = entry.get("finalUrl") if isinstance(entry.get("finalUrl"), str) else None
            else:
                raise ValueError(f"{index_path}: entry for {url!r} must be a file name or an object with 'file'")
            path = (root / name).resolve()
            if base not in path.parents and path != base:
                raise ValueError(f"{index_path}: {name!r} lies outside the store directory")
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise ValueError(f"{index_path}: cannot read {name!r}: {exc.strerror}") from None
            store.add(url, Document(url=url, content=content, content_type=ctype, status=status, final_url=final_url))
        return store


def _recorded_error(index_path: Path, url: str, entry: dict[str, object]) -> LoadError:
    """A recorded failure entry `{"error": CODE, "reason": TEXT, "status"?: N}`; ValueError if malformed."""
    code, reason, status = entry.get("error"), entry.get("reason"), entry.get("status")
    if code not in (Code.FETCH_FAILED, Code.URL_BLOCKED) or not isinstance(reason, str):
        raise ValueError(f"{index_path}: error entry for {url!r} needs error fetch_failed|url_blocked and a reason")
    if status is not None and not isinstance(status, int):
        raise ValueError(f"{index_path}: error entry for {url!r} has a non-integer status")
    return LoadError(Code(str(code)), url, reason, status=status)
