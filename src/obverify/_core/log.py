"""The `obverify` logger, with a `NullHandler` as a library's logger should have (logging HOWTO, "Configuring
Logging for a Library"): a host application decides where obverify's records go; without its own handlers,
nothing is printed behind its back.

Kept out of `obverify/__init__.py` on purpose: `import logging` costs milliseconds that `obverify unbake` and
an offline `obverify verify` never need. Every module that logs imports `LOGGER` from here, so the handler is
attached before the first record is emitted.
"""

from __future__ import annotations

import logging

LOGGER = logging.getLogger("obverify")
LOGGER.addHandler(logging.NullHandler())
