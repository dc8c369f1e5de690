"""`MutableRecord`: value equality and a readable repr for the project's few mutable record classes.

Used by `CredentialFacts` (its fields are set after construction). The records users receive are frozen
dataclasses (`obverify._core.report`), which every verification imports anyway. A subclass lists its
attributes in `_FIELDS` (and, if some must stay out of the repr, `_REPR_FIELDS`) and writes its own `__init__`.
"""

from __future__ import annotations

from typing import ClassVar


class MutableRecord:
    """Equal when of the same class with equal `_FIELDS`; unhashable, as a mutable dataclass is."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    _REPR_FIELDS: ClassVar[tuple[str, ...] | None] = None
    """None: every field is shown."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = self._FIELDS if self._REPR_FIELDS is None else self._REPR_FIELDS
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in shown)})"
