"""``python -m engagemetrics``: the same as the ``engagemetrics`` command."""

from engagemetrics.cli import main

raise SystemExit(main())
