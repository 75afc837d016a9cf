"""`python -m farmscore` runs the command line."""

from farmscore.cli import main

main()
