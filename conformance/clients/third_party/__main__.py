"""`python -m parametrize_conformance.clients.third_party`: see cli."""

import sys

from parametrize_conformance.clients.third_party.cli import main

sys.exit(main())
