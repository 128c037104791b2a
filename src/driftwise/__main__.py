"""``python -m driftwise`` runs the command line."""

import sys

from driftwise.cli.main import main

sys.exit(main())
