"""VC-JWT: OB 3.0 credentials as compact JWS (OB 3.0 §8.2 "JSON Web Token Proof Format"; SECURITY.md §7, §8).

Verification, in order:

1. Five segments is a JWE (`input_invalid`, never decrypted); anything but three is `input_invalid`.
2. The JOSE header: `alg` from the allow-list RS256, RS384, PS256, ES256, ES384, EdDSA (never `none`, never
   HMAC); `crit`, `b64`, `zip`, `jku`, `x5u` and `x5c` are refused ("Additional JOSE Headers are NOT
   allowed"); `typ`, when present, is `JWT`. Any fault is `proof_invalid`.
3. The credential is the `vc` claim (VCDM 1.1 style) or the payload itself without the registered JWT claims.
4. Claims (§8.2.4.1 "Verify a Credential VC-JWT Signature"): `iss` equals `issuer.id` (else
   `issuer_mismatch`); `nbf` is REQUIRED and equals `validFrom`/`issuanceDate`; `jti` and `sub`, when present,
   equal `id` and `credentialSubject.id`; `exp` equals `validUntil`/`expirationDate` and is required when
   the credential has one. Any other disagreement is `proof_invalid`. The instants themselves are judged by
   the credential's validity check through `obverify._core.window` (expired at `exp`, valid from `nbf`), the same
   window OB 2.0 and status lists use.
5. The key: a `kid` must be a DID URL of the issuer's DID or an https URL on the issuer's origin (or one
   the issuer lists); any other `kid` is `issuer_mismatch` and never fetched. It is resolved with
   `keys.resolve_method` under `assertionMethod`. A header `jwk` is trusted only when it equals a key bound
   to the issuer (`keys.keys_of_issuer`), else `issuer_mismatch` (the spec's own examples embed an unbound
   `jwk`: CVE-2018-0114 in spirit).
6. The key type fixes the algorithm (Ed25519 → EdDSA, P-256 → ES256, P-384 → ES384, RSA → RS256/RS384/
   PS256); the header must agree, and only that algorithm is passed to `jose.verify_compact`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.strictjson import JSONError, parse_json
from obverify._core.text import quote
from obverify._core.timeparse import parse_datetime
from obverify._ob3.model import as_list, data_model, node_id

STAGE = "proofs"
ALLOWED_ALGS = frozenset({"RS256", "RS384", "PS256", "ES256", "ES384", "EdDSA"})
FORBIDDEN_HEADERS = ("crit", "b64", "zip", "jku", "x5u", "x5c")
KNOWN_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
JWT_CLAIMS = frozenset({"iss", "sub", "jti", "nbf", "exp", "iat", "aud"})


class DecodedJwt(NamedTuple):
    """A VC-JWT split into header, payload and the credential it carries.

    A `NamedTuple`, not a dataclass (it is never reassigned): importing `dataclasses` pulls in `inspect`, `ast`
    and `dis` at start-up (see `obverify._core.baked`).
    """

    header: dict[str, Any]
    payload: dict[str, Any]
    credential: dict[str, Any]
    vc_claim: bool


def _b64json(segment: str) -> Any:
    if not segment or "=" in segment:
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return parse_json(raw)


def decode(ctx: RunContext, token: str) -> DecodedJwt | None:
    """Split and parse a compact VC-JWT; record `input_invalid` and return None when it is not one."""
    if len(token.strip()) > ctx.policy.max_jws_chars:
        ctx.out.error(Code.INPUT_INVALID, f"the compact JWS is longer than {ctx.policy.max_jws_chars} characters "
                      "(max_jws_chars)", stage="sniff")
        return None
    parts = token.strip().split(".")
    if len(parts) == 5:
        ctx.out.error(Code.INPUT_INVALID, "a JWE (encrypted token) is not a verifiable credential obverify reads",
                      stage="sniff")
        return None
    if len(parts) != 3:
        ctx.out.error(Code.INPUT_INVALID, "a compact JWS has exactly three segments", stage="sniff")
        return None
    try:
        header, payload = _b64json(parts[0]), _b64json(parts[1])
    except (JSONError, ValueError, binascii.Error):
        ctx.out.error(Code.INPUT_INVALID, "the JWT header or payload is not base64url JSON", stage="sniff")
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        ctx.out.error(Code.INPUT_INVALID, "the JWT header and payload must be JSON objects", stage="sniff")
        return None
    vc = payload.get("vc")
    if isinstance(vc, dict):
        return DecodedJwt(header, payload, _from_claims(dict(vc), payload), vc_claim=True)
    credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    return DecodedJwt(header, payload, credential, vc_claim=False)


def _from_claims(vc: dict[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1 decoding (VC DM 1.1 §6.3.1): a `vc` claim may leave `issuer`, `id`, the subject id and the
    dates to the registered claims; fill only what the credential leaves out, never overwrite it. A `vc` with
    embedded proofs is left alone: those proofs cover the credential exactly as it stands."""
    if "proof" in vc:
        return vc
    if "issuer" not in vc and isinstance(payload.get("iss"), str):
        vc["issuer"] = payload["iss"]
    if "id" not in vc and isinstance(payload.get("jti"), str):
        vc["id"] = payload["jti"]
    subject = vc.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        vc["credentialSubject"] = {**subject, "id": payload["sub"]}
    v1 = data_model(vc) == "1.1"
    if "validFrom" not in vc and "issuanceDate" not in vc and (nbf := _numeric_date(payload.get("nbf"))):
        vc["issuanceDate" if v1 else "validFrom"] = nbf.isoformat().replace("+00:00", "Z")
    if "validUntil" not in vc and "expirationDate" not in vc and (exp := _numeric_date(payload.get("exp"))):
        vc["expirationDate" if v1 else "validUntil"] = exp.isoformat().replace("+00:00", "Z")
    return vc


def _numeric_date(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _same_instant(numeric: datetime, text: Any) -> bool:
    try:
        when = parse_datetime(text)
    except ValueError:
        return False
    return int(numeric.timestamp()) == int(when.timestamp())


def check_claims(ctx: RunContext, jwt: DecodedJwt) -> bool:
    """Compare the registered claims with the credential (step 4); record findings, return whether all hold."""
    p, cred = jwt.payload, jwt.credential
    ok = True

    def fail(code: Code, message: str, claim: str) -> None:
        nonlocal ok
        ok = False
        ctx.out.error(code, message, stage=STAGE, path=f"/jwt/payload/{claim}")

    issuer_id = node_id(cred.get("issuer"))
    if "iss" not in p:
        fail(Code.PROOF_INVALID, "the VC-JWT has no iss claim", "iss")
    elif p["iss"] != issuer_id:
        fail(Code.ISSUER_MISMATCH, f"iss {quote(p['iss'])} is not the credential's issuer id", "iss")
    start_field = "validFrom" if "validFrom" in cred or "issuanceDate" not in cred else "issuanceDate"
    end_field = "validUntil" if "validUntil" in cred or "expirationDate" not in cred else "expirationDate"
    if "nbf" not in p:
        fail(Code.PROOF_INVALID, "the VC-JWT has no nbf claim (OB 3.0 requires nbf equal to validFrom)", "nbf")
    else:
        nbf = _numeric_date(p["nbf"])
        if nbf is None:
            fail(Code.PROOF_INVALID, "nbf is not a NumericDate", "nbf")
        elif not _same_instant(nbf, cred.get(start_field)):
            fail(Code.PROOF_INVALID, f"nbf does not equal the credential's {start_field}", "nbf")
    if "jti" in p and p["jti"] != cred.get("id"):
        fail(Code.PROOF_INVALID, "jti does not equal the credential's id", "jti")
    subjects = [s for s in as_list(cred.get("credentialSubject")) if isinstance(s, Mapping)]
    subject_id = subjects[0].get("id") if subjects else None
    if "sub" in p and p["sub"] != subject_id:
        fail(Code.PROOF_INVALID, "sub does not equal credentialSubject.id", "sub")
    if "exp" in p:
        exp = _numeric_date(p["exp"])
        if exp is None:
            fail(Code.PROOF_INVALID, "exp is not a NumericDate", "exp")
        elif end_field in cred and not _same_instant(exp, cred.get(end_field)):
            fail(Code.PROOF_INVALID, f"exp does not equal the credential's {end_field}", "exp")
        elif end_field not in cred:
            fail(Code.PROOF_INVALID, f"exp is set but the credential has no {end_field}", "exp")
    elif end_field in cred:
        fail(Code.PROOF_INVALID, f"the credential has {end_field} but the VC-JWT has no exp claim", "exp")
    return ok


def check_header(ctx: RunContext, header: Mapping[str, Any]) -> bool:
    """Step 2: the algorithm allow-list and the refused headers."""
    ok = True
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGS:
        ctx.out.error(Code.PROOF_INVALID, f"JWS algorithm {quote(alg)} is not allowed", stage=STAGE,
                      path="/jwt/header/alg")
        ok = False
    for name in FORBIDDEN_HEADERS:
        if name in header:
            ctx.out.error(Code.PROOF_INVALID, f"the JOSE header {name!r} is refused", stage=STAGE,
                          path=f"/jwt/header/{name}")
            ok = False
    extra = sorted(set(header) - KNOWN_HEADERS - set(FORBIDDEN_HEADERS))
    if extra:
        ctx.out.warn(WarningCode.JOSE_HEADER, f"additional JOSE headers are not allowed by OB 3.0: {quote(extra)}",
                     stage=STAGE, path="/jwt/header")
    if "typ" in header and header["typ"] not in ("JWT", "jwt"):
        ctx.out.warn(WarningCode.JOSE_HEADER, "typ should be JWT", stage=STAGE, path="/jwt/header/typ")
    if "kid" not in header and "jwk" not in header:
        ctx.out.error(Code.PROOF_INVALID, "the JOSE header names no key (kid or jwk)", stage=STAGE, path="/jwt/header")
        ok = False
    return ok


def _spki(key: Any) -> bytes | None:
    # on first use: the serialization package loads every key type's module and SSH support
    from cryptography.hazmat.primitives import serialization

    try:
        data: bytes = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    except (AttributeError, ValueError, TypeError):
        try:
            raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        except (AttributeError, ValueError, TypeError):
            return None
        return raw
    return data


def algs_for_key(key: Any) -> frozenset[str]:
    """The algorithms a key type allows (SECURITY.md §7: the key decides the algorithm): `jose`'s answer for
    the key, within OB 3.0's allow-list (so no RS512, and `EdDSA` only by that name). RSA keys under 2048
    bits never get here: `keys.public_key_from_jwk` refuses them, and `jose` would too."""
    from obverify._engines.jose import algorithms_for_key

    return algorithms_for_key(key) & ALLOWED_ALGS


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
    except ValueError:
        return None


def _resolve_key(ctx: RunContext, header: Mapping[str, Any], issuer_id: str) -> Any | None:
    """Step 5: the issuer-bound key named by the header, or None (findings recorded)."""
    from obverify._engines.keys.decoding import KeyFormatError, public_key_from_jwk
    from obverify._engines.keys.documents import keys_of_issuer, resolve_method

    kid = header.get("kid")
    jwk = header.get("jwk")
    header_key: Any = None
    if jwk is not None:
        if not isinstance(jwk, dict) or "d" in jwk or "k" in jwk:
            ctx.out.error(Code.PROOF_INVALID, "the header jwk must be a public key", stage=STAGE,
                          path="/jwt/header/jwk")
            return None
        try:
            header_key = public_key_from_jwk(jwk)
        except (KeyFormatError, ValueError, TypeError):
            ctx.out.error(Code.PROOF_INVALID, "the header jwk is not a usable public key", stage=STAGE,
                          path="/jwt/header/jwk")
            return None
    if kid is not None:
        if not isinstance(kid, str) or not kid:
            ctx.out.error(Code.PROOF_INVALID, "kid must be a non-empty string", stage=STAGE, path="/jwt/header/kid")
            return None
        if kid.startswith("#"):
            kid = issuer_id + kid
        if not _kid_bound(ctx, kid, issuer_id):
            return None
        resolved = resolve_method(ctx, kid, issuer_id=issuer_id, purpose="assertionMethod", stage=STAGE,
                                  path="/jwt/header/kid")
        if resolved is None:
            return None
        if header_key is not None and _spki(header_key) != _spki(resolved.public_key):
            ctx.out.error(Code.PROOF_INVALID, "the header jwk differs from the key kid names", stage=STAGE,
                          path="/jwt/header/jwk")
            return None
        return resolved.public_key
    bound = keys_of_issuer(ctx, issuer_id, stage=STAGE)
    want = _spki(header_key)
    for candidate in bound:
        if want is not None and _spki(candidate.public_key) == want:
            return candidate.public_key
    if not bound:  # the issuer lists no key at all, so nothing ties this one to it
        from obverify._engines.keys.documents import accept_unbound, accepts_unbound_keys, unbound_message

        if accepts_unbound_keys(ctx):
            accept_unbound(ctx, "the VC-JWT (header jwk)", issuer_id=issuer_id, stage=STAGE, path="/jwt/header/jwk")
            return header_key
        ctx.out.error(Code.ISSUER_MISMATCH, unbound_message("the VC-JWT (header jwk)", issuer_id), stage=STAGE,
                      path="/jwt/header/jwk")
        return None
    ctx.out.error(Code.ISSUER_MISMATCH, "the header jwk is not a key the issuer lists under assertionMethod",
                  stage=STAGE, path="/jwt/header/jwk")
    return None


def _kid_bound(ctx: RunContext, kid: str, issuer_id: str) -> bool:
    """Whether `kid` may be dereferenced for `issuer_id` at all (never fetch a foreign kid)."""
    if kid.startswith("did:"):
        if issuer_id.startswith("did:") and kid.split("#", 1)[0] == issuer_id:
            return True
        ctx.out.error(Code.ISSUER_MISMATCH, f"kid {quote(kid)} is not a key of the issuer's DID", stage=STAGE,
                      path="/jwt/header/kid")
        return False
    origin = _origin(kid)
    if origin is not None and origin[0] == "https" and origin == _origin(issuer_id):
        return True
    if origin is not None and origin[0] == "https":
        from obverify._engines.keys.documents import keys_of_issuer

        if any(k.id == kid for k in keys_of_issuer(ctx, issuer_id, stage=STAGE)):
            return True
    ctx.out.error(Code.ISSUER_MISMATCH, f"kid {quote(kid)} is neither on the issuer's origin nor listed by the issuer",
                  stage=STAGE, path="/jwt/header/kid")
    return False


def check_signature(ctx: RunContext, token: str, jwt: DecodedJwt) -> bool:
    """Steps 2, 5 and 6: header rules, the issuer-bound key, and the signature itself."""
    from obverify._engines.jose import JoseError, verify_compact

    if not check_header(ctx, jwt.header):
        return False
    issuer_id = node_id(jwt.credential.get("issuer"))
    if issuer_id is None:
        ctx.out.error(Code.PROOF_INVALID, "no issuer id to bind the JWT key to", stage=STAGE, path="/jwt")
        return False
    key = _resolve_key(ctx, jwt.header, issuer_id)
    if key is None:
        return False
    alg = jwt.header.get("alg")
    allowed = algs_for_key(key)
    if alg not in allowed:
        ctx.out.error(Code.PROOF_INVALID, f"algorithm {quote(alg)} does not fit the issuer's key type", stage=STAGE,
                      path="/jwt/header/alg")
        return False
    try:
        verify_compact(token.strip(), key, allowed=frozenset({str(alg)}), tolerated=frozenset({"typ", "kid", "jwk"}),
                       min_rsa_bits=ctx.policy.min_rsa_bits, max_chars=ctx.policy.max_jws_chars)
    except JoseError:
        ctx.out.error(Code.PROOF_INVALID, "the VC-JWT signature does not verify", stage=STAGE, path="/jwt/signature")
        return False
    return True
