"""python -m parametrize_conformance.report: see parametrize_conformance.commands."""

from __future__ import annotations

import sys

from parametrize_conformance.commands import main

sys.exit(main())
