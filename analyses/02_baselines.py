"""Analysis 02: baselines. Runs `cbstats reproduce --only baselines` (no logic of its own).

Usage: python analyses/02_baselines.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "baselines", *sys.argv[1:]]))
