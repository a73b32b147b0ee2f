"""``python -m newsqa.cli``: the ``newsqa`` command."""

import sys

from . import main

sys.exit(main())
