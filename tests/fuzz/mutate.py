"""A small structure-aware mutator, for the CI smoke and wherever atheris is not installed.

Byte-level mutations (flip, insert, delete, duplicate, splice with another seed, interesting values) and,
for JSON seeds, tree-level ones aimed at the verdict: drop or retype a member, repeat an array (a flood
of warnings), duplicate `@context` entries, swap a value for one from elsewhere in the document.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

INTERESTING = [b"\x00", b"\xff", b"\xef\xbb\xbf", b'"', b"\\", b"{", b"[", b"]", b"}", b",", b"\xed\xa0\x80",
               b"\\ud800", b"1e999", b"-0", b"null", b"true", b"99999999999999999999", b".", b"=", b"eyJ"]


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """One mutated variant of `data`."""
    if data[:1] in (b"{", b"[") and rng.random() < 0.5:
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if value is not None:
            return json.dumps(_mutate_json(value, rng)).encode()
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        pos = rng.randrange(len(out) + 1)
        if choice == 0 and out:
            out[min(pos, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif choice == 1:
            out[pos:pos] = rng.choice(INTERESTING)
        elif choice == 2 and out:
            del out[pos:pos + rng.randint(1, 64)]
        elif choice == 3 and out:
            chunk = out[pos:pos + rng.randint(1, 256)]
            out[pos:pos] = chunk * rng.randint(1, 8)
        elif choice == 4 and pool:
            other = rng.choice(pool)
            cut = rng.randrange(len(other) + 1)
            out[pos:] = other[cut:]
        else:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(out)


def _nodes(value: Any, out: list[Any]) -> list[Any]:
    stack = [value]
    while stack and len(out) < 2000:
        node = stack.pop()
        out.append(node)
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _mutate_json(value: Any, rng: random.Random) -> Any:
    containers = [n for n in _nodes(value, []) if isinstance(n, dict | list) and n]
    if not containers:
        return value
    node = rng.choice(containers)
    choice = rng.randrange(6)
    if isinstance(node, dict):
        key = rng.choice(list(node))
        if choice == 0:
            del node[key]
        elif choice == 1:
            node[key] = rng.choice([None, 0, -1, 1.5, "", "x", [], {}, True, [node[key]], "2026-01-01T00:00:00Z"])
        elif choice == 2 and key == "@context" and isinstance(node[key], list):
            node[key] = node[key] + [rng.choice(node[key])] * rng.randint(1, 150)
        elif choice == 3:
            node[key] = copy.deepcopy(rng.choice(_nodes(value, [])))  # a copy: never a cycle
        else:
            node[rng.choice(["id", "type", "proof", "credentialStatus", "validUntil", "expires", "revoked",
                             "https://www.w3.org/2018/credentials#credentialStatus", "@id", "@type"])] = \
                copy.deepcopy(node[key])
    else:
        index = rng.randrange(len(node))
        if choice < 2:
            node.extend([copy.deepcopy(node[index])] * rng.randint(1, 200))
        elif choice < 4:
            del node[index]
        else:
            node[index] = rng.choice([None, "", 7, {}, []])
    return value
