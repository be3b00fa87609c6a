"""`python -m conformance.mutation`."""

import sys

from conformance.mutation._cli import main

sys.exit(main())
