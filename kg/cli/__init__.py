"""The ``policykg`` command line (the top layer): parses arguments and calls the library.

:mod:`kg.cli.main` holds the parser and the build/export/query/stats/setup commands,
:mod:`kg.cli.explore` the show/path/queries/viz/serve commands, :mod:`kg.cli.common` what they share.
"""
