"""``python -m compat_suite [--cases DIR] [-k PATTERN] [-j N] [--json OUT]``."""
import sys

from .runner import main

sys.exit(main())
