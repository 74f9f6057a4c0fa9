"""Analysis 08: the dataset release (reliability, coverage, results across releases). Runs `cbstats reproduce --only versions`.

Usage: python analyses/08_versions.py [--out DIR] [--seed N] [--quick]
"""

import sys

from cbstats.cli import main

if __name__ == "__main__":
    sys.exit(main(["reproduce", "--only", "versions", *sys.argv[1:]]))
