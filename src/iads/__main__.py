"""``python -m iads``: the command line."""

from iads.cli import main

main()
