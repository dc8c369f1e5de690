"""`VerificationPolicy`: every limit of one verification, whose contexts are trusted, and the `unsafe_*` opt-ins.

One frozen object instead of constants spread over twenty modules: a service states once what a
verification may cost and what it may admit, and every stage reads it from the run (`RunContext.policy`).
The defaults are the safe ones and equal the figures of README.md "Security model" (a test parses the
README's "VerificationPolicy fields" table and compares). What the HTTP loader may fetch, and how long and
how much one fetch may take, stays on `NetworkPolicy` (`network`), which the default loader is made with.

Raising a limit admits exactly what the field says (a larger document, more endorsements, more JSON-LD
work); it never turns a check off. The options that weaken what a verdict means are named `unsafe_*`, and
each run that uses one logs a WARNING on the `obverify` logger, so a service's logs show it.

A plain class with `__slots__`. (Every verification imports `dataclasses` anyway since the report records
became frozen dataclasses: about 8 ms of the OB 2.0 offline process, README "Layout and design notes".)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

MiB = 1024 * 1024

@runtime_checkable
class NetworkRules(Protocol):
    """What a verification needs of its network policy; `obverify.NetworkPolicy` is the one there is.

    Typed by its shape so this core module never imports the network engine (LAYOUT.md: imports only go down);
    the HTTP loader itself insists on a real `NetworkPolicy`."""

    @property
    def unsafe_allow_addresses(self) -> frozenset[tuple[str, int]]: ...

    @property
    def unsafe_allow_loopback(self) -> bool: ...

    def check_url(self, url: str) -> object: ...


LIMITS: dict[str, tuple[int | float, int]] = {
    # name: (default, smallest accepted value)
    "max_documents": (32, 0),
    "max_document_bytes": (2 * MiB, 0),
    "max_seconds": (20.0, 0),
    "max_input_bytes": (16 * MiB, 1),
    "max_image_bytes": (16 * MiB, 1),
    "max_baked_text_bytes": (1 * MiB, 1),
    "max_json_values": (200_000, 1),
    "max_json_depth": (64, 1),
    "max_indirections": (3, 0),
    "max_context_entries": (16, 1),
    "max_remote_contexts": (10, 0),
    "max_jsonld_values": (50_000, 0),
    "max_node_map_comparisons": (1_000_000, 0),
    "max_rdfc_steps": (100_000, 0),
    "jsonld_values_per_verification": (100_000, 0),
    "node_map_comparisons_per_verification": (2_000_000, 0),
    "rdfc_steps_per_verification": (200_000, 0),
    "max_proofs": (8, 0),
    "max_presented_credentials": (16, 0),
    "max_status_list_bytes": (16 * MiB, 0),
    "max_sd_proof_value_chars": (400_000, 0),
    "max_sd_signatures": (2_000, 0),
    "max_jws_chars": (16 * MiB, 1),
    "max_jws_header_bytes": (1_024, 1),
    "max_multibase_chars": (4_096, 1),
    "max_endorsements": (16, 0),
    "max_ob2_endorsements": (8, 0),
    "max_endorsement_depth": (2, 0),
    "max_extensions": (8, 0),
    "max_errors": (100, 0),
    "max_warnings": (100, 0),
    "min_rsa_bits": (2048, 2048),
    "min_status_list_bits": (131_072, 131_072),
}
"""Every numeric limit: its default and the smallest value that is accepted (below it: `ValueError`). A `min_*`
limit is a minimum the input must meet: raising it refuses more, and its floor is its default."""

FLOOR_REASONS: dict[str, str] = {
    "min_rsa_bits": "NIST SP 800-131A Rev. 2 §3 disallows RSA signature keys shorter than 2048 bits",
    "min_status_list_bits": "Bitstring Status List v1.0's Validate Algorithm sets a minimum of 131,072 bits",
}
"""Why a floor is where it is, where it is a rule rather than "nothing could pass below it"."""

SWITCHES: dict[str, bool] = {
    "allow_remote_contexts": False,
    "trust_store_contexts": True,
    "require_recipient": False,
    "unsafe_accept_unbound_keys": False,
}
"""Every yes/no choice and its default; the ones named `unsafe_*` weaken what a verdict means."""

_FIELDS = ("network", *LIMITS, *SWITCHES)


class VerificationPolicy:
    """What one verification may cost and admit. Frozen, hashable, compared by value; `replace` makes a copy.

    Limits (README "VerificationPolicy fields" lists each with its default and where it is enforced):

    - `max_documents` (32): documents fetched per verification, nested ones included (`fetch_failed` past it).
    - `max_document_bytes` (2 MiB): bytes of any one fetched document, whatever the loader (`fetch_failed`).
    - `max_seconds` (20): wall time of one verification; no fetch starts after it (`fetch_failed`).
    - `max_input_bytes` (16 MiB): the input itself (`input_invalid`).
    - `max_image_bytes` (16 MiB): a PNG or SVG image unbaked, and a gzipped SVG after gunzip (`unbake_failed`).
    - `max_baked_text_bytes` (1 MiB): badge text inflated from a compressed PNG chunk (`unbake_failed`).
    - `max_json_values` (200,000) and `max_json_depth` (64): any JSON text or mapping, input or fetched.
    - `max_indirections` (3): a badge URL baked in an image, answering with another image, … (`input_invalid`).
    - `max_context_entries` (16): `@context` entries of a document given to JSON-LD (`context_invalid`).
    - `max_remote_contexts` (10): contexts loaded through the loader by one JSON-LD operation.
    - `max_jsonld_values` (50,000), `max_node_map_comparisons` (1,000,000), `max_rdfc_steps` (100,000): JSON-LD
      work on one document (`proof_invalid`, or `schema_invalid` for the key-meaning round trip).
    - `jsonld_values_per_verification` (100,000), `node_map_comparisons_per_verification` (2,000,000),
      `rdfc_steps_per_verification` (200,000): the same for the credential, its status lists and
      endorsements together, so nesting cannot multiply the work.
    - `max_proofs` (8): embedded proofs on one credential (`proof_invalid` past it).
    - `max_presented_credentials` (16): credentials of a presentation verified (`input_invalid` past it).
    - `max_status_list_bytes` (16 MiB): bytes of a status list inflated to read one entry
      (`status_unavailable` for an index beyond it).
    - `max_sd_proof_value_chars` (400,000), `max_sd_signatures` (2,000): an ecdsa-sd-2023 derived proof.
    - `max_jws_chars` (16 MiB): a compact JWS (OB 2.0 signed, OB 3.0 VC-JWT; `input_invalid` / `proof_invalid`).
    - `max_jws_header_bytes` (1,024): the decoded header of an Ed25519Signature2018 detached JWS (`proof_invalid`).
    - `max_multibase_chars` (4,096): a base58btc Data Integrity proof value or multibase/base58 key; base64url,
      which decodes in linear time, gets four times as many (16,384) (`proof_invalid`).
    - `max_endorsements` (16, OB 3.0) and `max_ob2_endorsements` (8): endorsements verified per badge (the rest
      are reported not checked); `max_endorsement_depth` (2): endorsements of endorsements.
    - `max_extensions` (8): OB 2.0 extension nodes validated per document (the rest: `extension_unvalidated`).
    - `max_errors` (100), `max_warnings` (100): findings a report lists; the rest are counted in
      `dropped_findings` and still decide the verdict.
    - `min_rsa_bits` (2048): the shortest RSA key a JWS (OB 2.0 signed, OB 3.0 VC-JWT) may be verified with
      (`proof_invalid` below it). It may only be raised: below 2048 is a `ValueError` (NIST SP 800-131A).
    - `min_status_list_bits` (131,072): a complete status list shorter than this earns the warning
      `status_list_short` (OB 3.0 sets no bound, so never an error). It may only be raised: the default is
      Bitstring Status List v1.0's minimum (Validate Algorithm), and a lower value is a `ValueError`.

    Choices:

    - `network`: the `NetworkPolicy` the default HTTP loader is made with (None: `NetworkPolicy()`); a
      caller's own `loader` keeps its own.
    - `allow_remote_contexts` (False): a JSON-LD context obverify does not bundle may be loaded through the
      loader (still checked: it may add vocabulary, never rename the pinned one).
    - `trust_store_contexts` (True): a context held by the run's `DocumentStore` (the operator put it there) may
      be used; False: only bundled contexts, unless `allow_remote_contexts`.
    - `require_recipient` (False): a verification without a recipient to check is `recipient_mismatch`
      (a backpack confirming whose a badge is sets it).
    - `unsafe_accept_unbound_keys` (False): accept an OB 3.0 credential signed by a key that nothing ties to its
      issuer (as the reference verifiers do), with the warning `key_unbound`. Such a proof shows only that
      *someone* signed the credential. Never the default.
    """

    __slots__ = _FIELDS
    FIELDS: ClassVar[tuple[str, ...]] = _FIELDS

    network: NetworkRules | None
    max_documents: int
    max_document_bytes: int
    max_seconds: float
    max_input_bytes: int
    max_image_bytes: int
    max_baked_text_bytes: int
    max_json_values: int
    max_json_depth: int
    max_indirections: int
    max_context_entries: int
    max_remote_contexts: int
    max_jsonld_values: int
    max_node_map_comparisons: int
    max_rdfc_steps: int
    jsonld_values_per_verification: int
    node_map_comparisons_per_verification: int
    rdfc_steps_per_verification: int
    max_proofs: int
    max_presented_credentials: int
    max_status_list_bytes: int
    max_sd_proof_value_chars: int
    max_sd_signatures: int
    max_jws_chars: int
    max_jws_header_bytes: int
    max_multibase_chars: int
    max_endorsements: int
    max_ob2_endorsements: int
    max_endorsement_depth: int
    max_extensions: int
    max_errors: int
    max_warnings: int
    min_rsa_bits: int
    min_status_list_bits: int
    allow_remote_contexts: bool
    trust_store_contexts: bool
    require_recipient: bool
    unsafe_accept_unbound_keys: bool

    def __init__(  # one keyword per documented field, so a type checker sees each
        self,
        *,
        network: NetworkRules | None = None,
        max_documents: int = 32,
        max_document_bytes: int = 2 * MiB,
        max_seconds: float = 20.0,
        max_input_bytes: int = 16 * MiB,
        max_image_bytes: int = 16 * MiB,
        max_baked_text_bytes: int = 1 * MiB,
        max_json_values: int = 200_000,
        max_json_depth: int = 64,
        max_indirections: int = 3,
        max_context_entries: int = 16,
        max_remote_contexts: int = 10,
        max_jsonld_values: int = 50_000,
        max_node_map_comparisons: int = 1_000_000,
        max_rdfc_steps: int = 100_000,
        jsonld_values_per_verification: int = 100_000,
        node_map_comparisons_per_verification: int = 2_000_000,
        rdfc_steps_per_verification: int = 200_000,
        max_proofs: int = 8,
        max_presented_credentials: int = 16,
        max_status_list_bytes: int = 16 * MiB,
        max_sd_proof_value_chars: int = 400_000,
        max_sd_signatures: int = 2_000,
        max_jws_chars: int = 16 * MiB,
        max_jws_header_bytes: int = 1_024,
        max_multibase_chars: int = 4_096,
        max_endorsements: int = 16,
        max_ob2_endorsements: int = 8,
        max_endorsement_depth: int = 2,
        max_extensions: int = 8,
        max_errors: int = 100,
        max_warnings: int = 100,
        min_rsa_bits: int = 2048,
        min_status_list_bits: int = 131_072,
        allow_remote_contexts: bool = False,
        trust_store_contexts: bool = True,
        require_recipient: bool = False,
        unsafe_accept_unbound_keys: bool = False,
    ) -> None:
        values = dict(locals())
        del values["self"]
        _check(values)
        for name in _FIELDS:
            object.__setattr__(self, name, values[name])

    def replace(self, **changes: Any) -> VerificationPolicy:
        """A copy with `changes` applied (and checked like a new policy)."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise TypeError(f"VerificationPolicy has no field {sorted(unknown)[0]!r}")
        values = {name: getattr(self, name) for name in _FIELDS}
        values.update(changes)
        return VerificationPolicy(**values)

    def unsafe_options(self) -> tuple[str, ...]:
        """This policy's `unsafe_*` options in force, by name. (Its `network`'s are logged by the HTTP loader
        made with them, once per loader: a run whose caller gives its own loader never uses them.)"""
        return tuple(name for name in SWITCHES if name.startswith("unsafe_") and getattr(self, name))

    def warn_if_unsafe(self) -> None:
        """Log a WARNING on the `obverify` logger naming every `unsafe_*` option in force (none: nothing); each
        verification run under this policy calls it once."""
        names = self.unsafe_options()
        if names:
            from obverify._core.log import LOGGER  # only here: a safe run does not import logging

            LOGGER.warning("verification runs with unsafe options: %s", ", ".join(names))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"VerificationPolicy is frozen: use .replace({name}=...) for a changed copy")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("VerificationPolicy is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _FIELDS))

    def __repr__(self) -> str:
        changed = [f"{f}={getattr(self, f)!r}" for f in _FIELDS if getattr(self, f) != _DEFAULTS[f]]
        return f"VerificationPolicy({', '.join(changed)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # pickling (the audit's process engines send the policy to workers): rebuilt through __init__
        return (_rebuild, (tuple((f, getattr(self, f)) for f in _FIELDS),))


_DEFAULTS: dict[str, object] = {"network": None, **{k: v[0] for k, v in LIMITS.items()}, **SWITCHES}


def _rebuild(items: tuple[tuple[str, Any], ...]) -> VerificationPolicy:
    return VerificationPolicy(**dict(items))


def _check(values: dict[str, Any]) -> None:
    """Refuse nonsense at construction: a wrong type is `TypeError`, a limit below its floor `ValueError`."""
    network = values["network"]
    if network is not None and not isinstance(network, NetworkRules):
        raise TypeError(f"network must be a NetworkPolicy or None, not {type(network).__name__}")
    for name, (default, floor) in LIMITS.items():
        value = values[name]
        numeric = (int, float) if isinstance(default, float) else (int,)
        if isinstance(value, bool) or not isinstance(value, numeric):
            raise TypeError(f"{name} must be {'a number' if isinstance(default, float) else 'an int'}, "
                            f"not {type(value).__name__}")
        if not value >= floor or value != value or value in (float("inf"), float("-inf")):
            why = f" ({FLOOR_REASONS[name]})" if name in FLOOR_REASONS else ""
            raise ValueError(f"{name} must be a finite number of at least {floor}, not {value!r}{why}")
        if isinstance(default, float) and value <= 0:
            raise ValueError(f"{name} must be greater than 0, not {value!r}")
    for name in SWITCHES:
        if not isinstance(values[name], bool):
            raise TypeError(f"{name} must be True or False, not {type(values[name]).__name__}")


DEFAULT_POLICY = VerificationPolicy()
"""The policy of a run given none."""


def policy_of(policy: VerificationPolicy | NetworkRules | None) -> VerificationPolicy:
    """The `VerificationPolicy` a `policy=` argument means: itself; a bare `NetworkPolicy` is
    `VerificationPolicy(network=...)`; None the default. Anything else is a `TypeError` at the call."""
    if policy is None:
        return DEFAULT_POLICY
    if isinstance(policy, VerificationPolicy):
        return policy
    if isinstance(policy, NetworkRules):
        return VerificationPolicy(network=policy)
    raise TypeError(f"policy must be a VerificationPolicy or a NetworkPolicy, not {type(policy).__name__}")


def parse_options(options: Iterable[str], base: VerificationPolicy = DEFAULT_POLICY) -> VerificationPolicy:
    """`base` with `NAME=VALUE` settings applied (the command line's `--policy`): a limit takes a number
    (`max_documents=64`, `max_seconds=2.5`), a choice `true` or `false`. `ValueError` names what is wrong."""
    changes: dict[str, Any] = {}
    for option in options:
        name, sep, text = option.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not (name in LIMITS or name in SWITCHES):
            raise ValueError(f"{option!r}: give NAME=VALUE with NAME one of {', '.join([*LIMITS, *SWITCHES])}")
        if name in SWITCHES:
            if text.lower() not in ("true", "false"):
                raise ValueError(f"{name} takes true or false, not {text!r}")
            changes[name] = text.lower() == "true"
            continue
        try:
            changes[name] = float(text) if isinstance(LIMITS[name][0], float) else int(text)
        except ValueError:
            raise ValueError(f"{name} takes a number, not {text!r}") from None
    try:
        return base.replace(**changes)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """`--policy NAME=VALUE` and `--unsafe-accept-unbound-keys`: the policy of `obverify verify` and `audit`."""
    parser.add_argument("--policy", action="append", default=[], metavar="NAME=VALUE",
                        help="change one VerificationPolicy field, e.g. max_documents=64 or "
                             "allow_remote_contexts=true (repeatable; README 'VerificationPolicy fields')")
    parser.add_argument("--unsafe-accept-unbound-keys", action="store_true",
                        help="UNSAFE: accept an OB 3.0 credential signed by a key nothing ties to its issuer "
                             "(warning key_unbound); anyone can make such a signature")


def policy_from_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> VerificationPolicy:
    """The policy the command line asked for; a bad `--policy` is a usage error (exit 2)."""
    try:
        policy = parse_options(args.policy)
    except ValueError as exc:
        parser.error(f"--policy: {exc}")
    if args.unsafe_accept_unbound_keys:  # the unsafe opt-in has its own flag: no other option implies it
        policy = policy.replace(unsafe_accept_unbound_keys=True)
    return policy


__all__ = [
    "DEFAULT_POLICY", "FLOOR_REASONS", "LIMITS", "SWITCHES", "NetworkRules", "VerificationPolicy", "parse_options",
    "policy_of",
]
