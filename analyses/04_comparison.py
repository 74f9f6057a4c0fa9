"""Analysis 04: comparison. Runs `cbstats reproduce --only comparison` (no logic of its own).

Usage: python analyses/04_comparison.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "comparison", *sys.argv[1:]]))
