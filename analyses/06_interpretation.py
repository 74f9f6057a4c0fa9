"""Analysis 06: interpretation. Runs `cbstats reproduce --only interpretation` (no logic of its own).

Usage: python analyses/06_interpretation.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "interpretation", *sys.argv[1:]]))
