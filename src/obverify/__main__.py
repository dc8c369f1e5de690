"""`python -m obverify` runs the command line."""

import sys

from obverify.cli import main

sys.exit(main())
