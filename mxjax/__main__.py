"""``python -m mxjax script.py [args...]``: same as ``mxjax run``."""
import sys

from .cli import main

sys.exit(main())
