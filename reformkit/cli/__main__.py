"""``python -m reformkit.cli``: the same as the ``reformkit`` command."""
import sys

from . import main

sys.exit(main())
