"""python -m conformance.report: see conformance.report._cli."""

from __future__ import annotations

import sys

from conformance.report._cli import main

sys.exit(main())
