"""The `@context` rules of an OB 3.0 credential (OB 3.0 §B.1 / VC DM 2.0 §4.3, SECURITY.md §6).

1. `@context` is a list whose first entry is a VC context (v2 `https://www.w3.org/ns/credentials/v2`, or v1
   `https://www.w3.org/2018/credentials/v1` for VCDM 1.1 credentials).
2. An OB 3.0 context is present, normally second: the versioned `context-3.0.N.json` URLs (3.0.0–3.0.3) are
   known; the unversioned aliases (`context.json`, `context/ob_v3p0.jsonld`) and unknown 3.0.x versions are
   accepted with a warning, since they name a context whose content can change under the credential.
3. Every further entry is a URL string. An inline context object could redefine a protected term (e.g.
   remap `issuer`, VC DM 2.0 §4.3), so it is refused outright: `context_invalid`.

Whether a URL context is bundled, allowed or fetched is the JSON-LD document loader's business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.text import quote

STAGE = "schemas"
VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
OB3_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/"
OB3_KNOWN = frozenset(f"{OB3_PREFIX}context-3.0.{n}.json" for n in range(4))
OB3_ALIASES = frozenset({f"{OB3_PREFIX}context.json", f"{OB3_PREFIX}context/ob_v3p0.jsonld"})
_OB3_VERSIONED = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context-3\.\d+\.\d+\.json", re.ASCII)


def is_ob3_context(url: str) -> bool:
    """Whether `url` names an OB 3.0 context (a known version, an alias, or another 3.x.y version)."""
    return url in OB3_KNOWN or url in OB3_ALIASES or bool(_OB3_VERSIONED.fullmatch(url))


def check_contexts(ctx: RunContext, credential: Mapping[str, Any], *, base: str = "", require_ob: bool = True) -> bool:
    """Apply the @context rules; record findings and return whether they hold (warnings do not count)."""
    out = ctx.out
    path = f"{base}/@context"
    raw = credential.get("@context")
    if raw is None:
        out.error(Code.CONTEXT_INVALID, "the credential has no @context", stage=STAGE, path=path)
        return False
    entries = raw if isinstance(raw, list) else [raw]
    ok = True
    if not entries or entries[0] not in VC_CONTEXTS:
        out.error(Code.CONTEXT_INVALID, "the first @context entry must be the W3C VC context", stage=STAGE,
                  path=f"{path}/0")
        ok = False
    ob_positions = [i for i, e in enumerate(entries) if isinstance(e, str) and is_ob3_context(e)]
    if require_ob:
        if not ob_positions:
            out.error(Code.CONTEXT_INVALID, "no Open Badges 3.0 @context", stage=STAGE, path=path)
            ok = False
        elif ob_positions[0] != 1:
            out.warn(WarningCode.CONTEXT_ORDER, "the Open Badges 3.0 context should be the second @context entry",
                     stage=STAGE, path=f"{path}/{ob_positions[0]}")
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            out.error(Code.CONTEXT_INVALID, "inline or non-string @context entries are refused (they could "
                      "redefine protected terms)", stage=STAGE, path=f"{path}/{i}")
            ok = False
            continue
        if not entry.startswith("https://") and entry not in VC_CONTEXTS:
            out.error(Code.CONTEXT_INVALID, f"@context entry {quote(entry)} is not an https URL", stage=STAGE,
                      path=f"{path}/{i}")
            ok = False
        if i in ob_positions:
            if entry in OB3_ALIASES:
                out.warn(WarningCode.CONTEXT_ALIAS,
                         f"the OB 3.0 context alias {quote(entry)} is not pinned to a version",
                         stage=STAGE, path=f"{path}/{i}")
            elif entry not in OB3_KNOWN:
                out.warn(WarningCode.CONTEXT_UNKNOWN_VERSION, f"unknown OB 3.0 context version {quote(entry)}",
                         stage=STAGE, path=f"{path}/{i}")
    return ok
