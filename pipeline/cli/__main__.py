"""`python -m pipeline.cli`: the same as the `tieup` command."""

import sys

from . import main

sys.exit(main())
