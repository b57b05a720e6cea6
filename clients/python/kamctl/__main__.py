"""`python3 -m kamctl ...`: what the kamctl wrapper runs."""

from kamctl.cli import main

main()
