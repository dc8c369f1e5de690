"""Bounds on what one request may cost: body size, verification concurrency and queue, and a deadline.

Verification is CPU-bound (RDFC canonicalisation, signature checks), so it never runs on the event loop:
`Verifier` hands it to a small thread pool and admits at most `queue_limit` verifications (running plus
waiting) per worker process. Past that bound the answer is 503 with `Retry-After` at once, instead of a
backlog that grows until every client times out. A verification still running at the request's deadline
keeps its slot until it really ends (a thread cannot be killed), so the bound counts real work.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from obverify.service.envelope import ApiError, body

T = TypeVar("T")


class Verifier:
    """Runs verifications in `threads` threads, at most `queue_limit` admitted at once, each within `deadline_s`."""

    def __init__(self, *, threads: int, queue_limit: int, deadline_s: float) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="obverify-verify")
        self.queue_limit = queue_limit
        self.deadline_s = deadline_s
        self.admitted = 0

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` off the event loop; ApiError 503 when full or past the deadline."""
        if self.admitted >= self.queue_limit:
            raise ApiError(503, description="too many verifications in progress; retry shortly",
                           error_code="OVERLOADED", headers={"Retry-After": "1"})
        self.admitted += 1
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.deadline_s)
        except TimeoutError:
            raise ApiError(503, description=f"the verification took longer than {self.deadline_s:g} s",
                           error_code="DEADLINE_EXCEEDED", headers={"Retry-After": "5"}) from None

    def _release(self, _future: Any) -> None:
        self.admitted -= 1

    def close(self) -> None:
        """Stop accepting work; running verifications finish in their threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes is answered 413 before the app reads it.

    A declared `Content-Length` over the limit is refused without reading; otherwise the body is read up
    to the limit (chunked uploads included) and replayed to the app, so no handler ever sees more.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        data = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        text = f"Request body exceeds the limit of {self.limit} bytes."
        payload = json.dumps(body(success=False, description="request body too large",
                                  validation_errors=[text], error_code="BODY_TOO_LARGE")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})
