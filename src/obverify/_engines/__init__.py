"""Format and crypto engines: JOSE, JSON-LD, spelling, schemas, contexts, bakery, keys, multibase, Ed25519 checks,
and the network (`net/`). They import only `obverify._core`."""
