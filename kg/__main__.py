"""``python -m kg``: the ``policykg`` command line (see :mod:`kg.cli`)."""

import sys

from kg.cli import main

sys.exit(main())
