"""`python -m tongban …` runs the same command as `tongban …`."""

from tongban.manage import main

main()
