"""`python -m parametrize_conformance.mutation`."""

import sys

from parametrize_conformance.mutation._cli import main

sys.exit(main())
