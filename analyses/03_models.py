"""Analysis 03: models. Runs `cbstats reproduce --only models` (no logic of its own).

Usage: python analyses/03_models.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "models", *sys.argv[1:]]))
