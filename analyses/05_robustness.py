"""Analysis 05: robustness. Runs `cbstats reproduce --only robustness` (no logic of its own).

Usage: python analyses/05_robustness.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "robustness", *sys.argv[1:]]))
