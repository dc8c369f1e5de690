"""`RunContext`: what every stage of one verification shares — loader, instant, recipients, findings.

Stages take the context instead of reaching for globals, so concurrent verifications never share state.
Fetches go through `fetch`/`fetch_json`, which (SECURITY.md ground rules) fetch each URL once per run,
cap documents per verification, record the URLs consulted in order, and on failure report the cause
(`fetch_failed`/`url_blocked`) plus the consequence code of the stage that needed the document.

A plain class with `__slots__`: it is mutable run state, not a record a caller receives.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from obverify._core.errors import Code, LoadError
from obverify._core.loader import Document, Loader
from obverify._core.policy import DEFAULT_POLICY, VerificationPolicy
from obverify._core.report import Collector
from obverify._core.strictjson import JSONError, parse_json
from obverify._core.text import quote_url

if TYPE_CHECKING:
    from datetime import datetime

ACCEPT_JSON = "application/ld+json, application/json;q=0.9, */*;q=0.1"
ACCEPT_BADGE = "application/ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, */*;q=0.1"


class RunContext:
    """Shared state of one verification run.

    `policy` is the run's `VerificationPolicy` (every limit a stage enforces; None: the defaults); `depth` the
    nesting depth (endorsements and status-list credentials verify in a child context, which shares the per-run
    fetch cache, the clock the deadline counts from, and the work counted by `spend`).
    """

    __slots__ = ("_cache", "_started", "_work", "at", "depth", "loader", "objects", "out", "policy", "recipients")

    def __init__(
        self,
        loader: Loader,
        at: datetime,
        recipients: Sequence[str],
        out: Collector,
        policy: VerificationPolicy | None = None,
        depth: int = 0,
        _cache: dict[str, Document | LoadError] | None = None,
        _started: float | None = None,
        _work: dict[str, int] | None = None,
    ) -> None:
        self.loader = loader
        self.objects = "awarded"
        """`awarded` (judge awarded badges only) or `any` (also standalone classes, profiles, keys; objects.py)."""
        self.at = at
        self.recipients = recipients
        self.out = out
        self.policy: VerificationPolicy = DEFAULT_POLICY if policy is None else policy
        self.depth = depth
        self._cache: dict[str, Document | LoadError] = {} if _cache is None else _cache
        self._started = time.monotonic() if _started is None else _started
        self._work: dict[str, int] = {} if _work is None else _work

    def spend(self, what: str, amount: int, limit: int) -> bool:
        """Count `amount` of `what` against the run's `limit`; False (and nothing counted) past it.

        One budget for the run and every nested verification (endorsements, status lists), so work a single
        document is allowed cannot be multiplied by nesting many such documents (SECURITY.md "Bounded").
        """
        total = self._work.get(what, 0) + amount
        if total > limit:
            return False
        self._work[what] = total
        return True

    def __repr__(self) -> str:
        return f"RunContext(loader={self.loader!r}, at={self.at!r}, depth={self.depth})"

    def fetch(
        self,
        url: str,
        *,
        stage: str,
        accept: str = ACCEPT_JSON,
        consequence: Code | None = None,
        path: str | None = None,
        what: str = "document",
    ) -> Document | None:
        """Load `url` once per run; on failure record the findings and return None.

        A non-2xx status other than 410 is `fetch_failed`; 410 is returned to the caller (hosted OB 2.0
        revocation). `consequence` is the stage's own code added after the cause.
        """
        cached = self._cache.get(url)
        if cached is None:
            cached = self._load(url, accept)
            self._cache[url] = cached
        if isinstance(cached, LoadError):
            self.out.error(
                cached.code,
                f"could not load {what} {quote_url(url)}: {cached.reason}",
                stage=stage, path=path, url=url,
            )
            if consequence is not None:
                self.out.error(consequence, f"{what} is unavailable", stage=stage, path=path, url=url)
            return None
        return cached

    def _load(self, url: str, accept: str) -> Document | LoadError:
        # defence in depth, whatever the loader: only http(s) is ever fetched (SECURITY.md §1) — a `file:`,
        # `ftp:`, `gopher:` or `data:` reference in a badge is refused before any loader sees it
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        if scheme not in ("http", "https"):
            return LoadError(Code.URL_BLOCKED, url, f"scheme {scheme or '(none)'!r} is never fetched")
        limits = self.policy
        if time.monotonic() - self._started > limits.max_seconds:
            return LoadError(Code.FETCH_FAILED, url, "verification deadline exceeded")
        if len(self._cache) >= limits.max_documents:
            return LoadError(Code.FETCH_FAILED, url, f"more than {limits.max_documents} documents in one verification")
        try:
            doc = self.loader.load(url, accept=accept)
        except LoadError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - a caller's loader is foreign code; its failure is a failed fetch
            # whatever it raises: not input_invalid, not an internal error. The message names the
            # exception's type only; its text may hold anything the loader saw.
            return LoadError(Code.FETCH_FAILED, url, f"the loader failed ({type(exc).__name__})")
        if url not in self.out.report.documents:
            self.out.report.documents.append(url)
        self.out.report.originals.setdefault(url, doc.content)
        if len(doc.content) > limits.max_document_bytes:
            return LoadError(Code.FETCH_FAILED, url, f"document larger than {limits.max_document_bytes} bytes")
        if not (200 <= doc.status < 300 or doc.status == 410):
            return LoadError(Code.FETCH_FAILED, url, f"HTTP status {doc.status}", status=doc.status)
        return doc

    def fetch_json(
        self,
        url: str,
        *,
        stage: str,
        accept: str = ACCEPT_JSON,
        consequence: Code | None = None,
        path: str | None = None,
        what: str = "document",
    ) -> Any | None:
        """`fetch` and parse strictly; a broken document is `fetch_failed` plus `consequence`.

        A 410 is a failure here: only a hosted OB 2.0 assertion gives 410 a meaning (revoked), and those are
        read through `fetch`. A badge class, issuer, key or revocation list that is Gone is never used."""
        doc = self.fetch(url, stage=stage, accept=accept, consequence=consequence, path=path, what=what)
        if doc is None:
            return None
        if doc.status == 410:
            self.out.error(Code.FETCH_FAILED, f"could not load {what} {quote_url(url)}: HTTP status 410",
                           stage=stage, path=path, url=url)
            if consequence is not None:
                self.out.error(consequence, f"{what} is unavailable", stage=stage, path=path, url=url)
            return None
        try:
            return parse_json(doc.content, max_values=self.policy.max_json_values,
                              max_depth=self.policy.max_json_depth)
        except JSONError as exc:
            self.out.error(
                Code.FETCH_FAILED, f"{what} {quote_url(url)} is not usable JSON: {exc}",
                stage=stage, path=path, url=url,
            )
            if consequence is not None:
                self.out.error(consequence, f"{what} is unusable", stage=stage, path=path, url=url)
            return None

    def aside(self, out: Collector) -> RunContext:
        """The same run (loader, instant, recipients, fetch cache, clock, budgets) writing into another collector.

        For describing a copy that is not the verified one (a revoked or unavailable hosted badge's presented
        copy): its findings must not join the report, yet its fetches count against the run's limits.
        """
        return RunContext(
            loader=self.loader, at=self.at, recipients=self.recipients, out=out, policy=self.policy,
            depth=self.depth, _cache=self._cache, _started=self._started, _work=self._work,
        )

    def child(self, out: Collector) -> RunContext:
        """A context for a nested verification (endorsement, status list) sharing loader, cache and clock."""
        return RunContext(
            loader=self.loader, at=self.at, recipients=(), out=out, policy=self.policy,
            depth=self.depth + 1, _cache=self._cache, _started=self._started, _work=self._work,
        )
