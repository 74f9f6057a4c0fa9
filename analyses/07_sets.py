"""Analysis 07: set-theoretic analysis. Runs `cbstats reproduce --only sets` (no logic of its own).

Usage: python analyses/07_sets.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "sets", *sys.argv[1:]]))
