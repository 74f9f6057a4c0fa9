"""Analysis 01: descriptives. Runs `cbstats reproduce --only descriptives` (no logic of its own).

Usage: python analyses/01_descriptives.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "descriptives", *sys.argv[1:]]))
