"""Keys for OB 3.0 proofs: `decoding` (a method's or a JWK's public key material, checked) and `documents`
(finding the verification method: did:key, did:jwk, did:web, controller documents, and its binding to the
issuer)."""
