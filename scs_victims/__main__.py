"""Allow ``python -m scs_victims``."""

from __future__ import annotations

import sys

from scs_victims.cli import main

sys.exit(main())
