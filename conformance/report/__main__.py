"""python -m parametrize_conformance.report: see parametrize_conformance.report._cli."""

from __future__ import annotations

import sys

from parametrize_conformance.report._cli import main

sys.exit(main())
