"""Test helpers: hand-built hostile images (SECURITY.md §3: a PNG writer with struct + zlib.crc32)."""
