"""The one stage boundary (SECURITY.md §15): a bug inside a stage becomes data, never a traceback
and never a "valid".

Every verifier runs its stages through `run_stage`. An unexpected exception is recorded by the collector as
a failed stage (an error with the stage's code and the exception's class name, and an entry in
`report.failed_stages`, which alone makes the report invalid); the stage's `default` outcome is returned so
the later stages still run and the report lists every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from obverify._core.context import RunContext
    from obverify._core.errors import Code

T = TypeVar("T")


def run_stage(ctx: RunContext, stage: str, code: Code | None, work: Callable[[], T], default: T) -> T:
    """`work()`, or `default` after recording a failed stage when it raised.

    `code` is the error code a failure of this stage earns; None only for stages whose every failure is a
    warning (endorsements, which never decide a badge's verdict)."""
    try:
        return work()
    except Exception as exc:  # the stage boundary: a bug must never look like "valid"  # noqa: BLE001
        ctx.out.stage_failed(stage, code, exc)
        return default
