"""``python -m cleaner``: the command line."""

from .cli import main

raise SystemExit(main())
