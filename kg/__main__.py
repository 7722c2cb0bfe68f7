"""``python -m kg``: the ``policykg`` command line (see :mod:`kg.cli.main`)."""

import sys

from kg.cli.main import main

sys.exit(main())
