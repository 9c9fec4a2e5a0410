"""``python -m onnxlearn`` runs the ``onnxlearn`` command."""

import sys

from .cli import main

sys.exit(main())
