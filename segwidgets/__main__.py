"""``python -m segwidgets`` runs the command line."""

from .cli import main

raise SystemExit(main())
