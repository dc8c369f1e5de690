"""`python -m obverify` runs the command line."""

from obverify.cli import run

run()
