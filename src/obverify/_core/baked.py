"""`Baked`: what an image holds (DESIGN.md §2, `unbake(data) -> Baked`).

A frozen, slotted dataclass: immutable, compared by value, and not a tuple.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PayloadKind = Literal["json", "jws", "url"]


@dataclass(frozen=True, slots=True)
class Baked:
    """The badge baked into an image, or why there is none.

    `payload` is the baked text as stored, without surrounding whitespace (JSON text, a compact JWS/JWT,
    or a hosted URL; JSON is known to parse as an object, the pipeline still parses it strictly);
    `error` is the `unbake_failed` message when nothing usable was found (then `payload` is None).
    `version` is the baking's own claim: "2.0" for the PNG keyword `openbadges` or the SVG namespace
    `http://openbadges.org`, "3.0" for `openbadgecredential` or `https://purl.imsglobal.org/ob/v3p0`.
    """

    image: Literal["png", "svg"] | None
    payload: str | None
    payload_kind: PayloadKind | None
    version: Literal["2.0", "3.0"] | None
    location: str | None = None
    """Where it was found, e.g. `iTXt openbadges` or `svg openbadges:assertion@verify`."""
    error: str | None = None
    verify_url: str | None = None
    """An SVG `verify` attribute that holds a hosted URL alongside a JSON body."""

    @property
    def ok(self) -> bool:
        """Whether a payload was found."""
        return self.payload is not None and self.error is None
