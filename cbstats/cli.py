"""Command-line interface: ``cbstats validate | describe | reproduce``.

Only argparse is imported at start-up, so ``cbstats --help`` answers at once;
each subcommand imports what it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _read(path: str | None, sheet: str | None, id_column: str):
    from .casedata import load_cbm, read_case_package, read_case_table

    if path is None:
        return load_cbm()
    p = Path(path)
    if p.is_dir():
        return read_case_package(p)
    return read_case_table(p, sheet=sheet, id_column=id_column)


def _check_path(parser: argparse.ArgumentParser, path: str | None) -> None:
    if path is not None and not Path(path).exists():
        parser.error(f"no such file or folder: {path}")


def _read_or_report(args: argparse.Namespace, parser: argparse.ArgumentParser):
    """The data named on the command line, or None after printing every problem found."""
    from .casedata import CaseDataError

    _check_path(parser, args.path)
    try:
        data = _read(args.path, args.sheet, args.id_column)
    except CaseDataError as err:
        print(err.report())
        return None
    if data.type_note:
        print(data.type_note)
    return data


def _package_table(path: str | None):
    """(folder, table name) when ``path`` is a CSV listed in the datapackage.json beside it."""
    if path is None or not Path(path).is_file():
        return None
    from .casedata import package_of

    return package_of(path)


def cmd_validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    found = _package_table(args.path)
    if found is not None:  # one table of a package: its own schema, not the wide-table rules
        from .casedata import CaseDataError, read_package_table

        try:
            table = read_package_table(args.path)
        except CaseDataError as err:
            print(err.report())
            return EXIT_PROBLEMS
        print(f"OK: table '{found[1]}' of the case package in {found[0]}: {len(table)} rows match its "
              "schema in datapackage.json. Validate the folder to check references between tables.")
        return EXIT_OK
    data = _read_or_report(args, parser)
    if data is None:
        return EXIT_PROBLEMS
    print(f"OK: {data!r} — no problems found.")
    return EXIT_OK


def cmd_describe(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import pandas as pd

    from .casedata import CaseDataError

    data = _read_or_report(args, parser)
    if data is None:
        return EXIT_PROBLEMS
    try:
        described = data.describe()
    except CaseDataError as err:
        print(err.report())
        found = _package_table(args.path)
        if found is not None:
            print(f"{args.path} is the '{found[1]}' table of the case package in {found[0]}; "
                  f"describe the package with: cbstats describe {found[0]}")
        return EXIT_PROBLEMS
    print(repr(data))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        for name, table in described.items():
            print(f"\n== {name.replace('_', ' ')} ==")
            print(table.to_string(index=False))
    return EXIT_OK


def cmd_reproduce(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .pipeline import analysis_names, reproduce

    names = analysis_names()
    for name in args.only or []:
        if name not in names:
            parser.error(f"unknown analysis {name!r}; choose from: {', '.join(names)}")
    if args.data is not None:
        _check_path(parser, args.data)
    from .pipeline.outputs import output_folder_problem

    problem = output_folder_problem(args.out)
    if problem is not None:
        parser.error(problem)
    return reproduce(out=args.out, only=args.only, seed=args.seed, quick=args.quick,
                     strict=args.strict, data_path=args.data, command=["cbstats", *sys.argv[1:]],
                     workers=args.workers, scheduler=args.scheduler)


def cmd_explore(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .explorer.build import build_explorer

    for path in (args.posterior, args.data):
        _check_path(parser, path)
    build_explorer(args.out, posterior=args.posterior, data_path=args.data, n_draws=args.draws,
                   seed=args.seed, quick=args.quick)
    return EXIT_OK


REPRODUCE_OUTPUTS = (
    ("validation_report.txt", "the dataset validated: version, SHA-256 of every file, row counts"),
    ("tables/", "descriptive tables, model summaries and diagnostics, comparisons (CSV, Markdown, LaTeX)"),
    ("figures/", "PNG and PDF figures"),
    ("posteriors/", "posterior of each main model (netCDF; cbstats.load_result)"),
    ("report.html", "one self-contained report to open offline"),
    ("manifest.json", "command, seed, versions, SHA-256 of every input and output, fit diagnostics"),
)


class _ReproduceEpilog(str):
    """Marker for the epilog of ``reproduce --help``, built only when help is printed."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Fills in the ``reproduce`` epilog from the pipeline's registry, so that
    building the parser (and ``cbstats --help``) stays free of heavy imports."""

    def add_text(self, text: str | None) -> None:
        if isinstance(text, _ReproduceEpilog):
            text = reproduce_epilog()
        super().add_text(text)


def reproduce_epilog() -> str:
    """The analyses (from the pipeline's registry), defaults and outputs of ``cbstats reproduce``."""
    from .pipeline import ANALYSES, DEFAULT_SEED
    from .pipeline.fitting import QUICK, SETTINGS

    width = max(len(a.name) for a in ANALYSES)
    lines = ["analyses (run in this order; choose with --only):"]
    lines += [f"  {a.name:<{width}}  {a.description}" for a in ANALYSES]
    main, quick = SETTINGS["main"], QUICK
    lines += ["", "defaults:",
              f"  --seed {DEFAULT_SEED}   (each fit derives its own seed from it)",
              "  --out results",
              f"  sampling: {main['chains']} chains x {main['draws']:,} draws ({main['tune']:,} tuning), "
              f"target_accept {main.get('target_accept', 0.8)}; "
              f"--quick: {quick['chains']} x {quick['draws']} draws",
              "", "outputs (in --out):"]
    width = max(len(p) for p, _ in REPRODUCE_OUTPUTS)
    lines += [f"  {p:<{width}}  {what}" for p, what in REPRODUCE_OUTPUTS]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="cbstats",
        description="Bayesian modelling of confidence-building case data: validate, describe, reproduce.",
    )
    parser.add_argument("--version", action="version", version=f"cbstats {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_read_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sheet", help="worksheet name of an Excel file (default: the first)")
        p.add_argument("--id-column", default="case_id", help="unique case id column of a wide table")

    v = sub.add_parser("validate", help="check a case package folder or a wide CSV/Excel table",
                       description="Exit 0 when clean, 1 with the full list of problems, 2 on usage errors.")
    v.add_argument("path", help="case package folder (with datapackage.json) or a .csv/.xlsx file")
    add_read_options(v)
    v.set_defaults(handler=cmd_validate)

    d = sub.add_parser("describe", help="coverage tables: cases by region, decade, outcome; conditions")
    d.add_argument("path", nargs="?", help="case package or table (default: the bundled CBM dataset)")
    add_read_options(d)
    d.set_defaults(handler=cmd_describe)

    r = sub.add_parser("reproduce", help="run every analysis and write results/ with a manifest",
                       description="Run the study's analyses and write every table, figure and the\n"
                                   "report, with a manifest of data hashes, versions and seeds.",
                       epilog=_ReproduceEpilog(), formatter_class=_HelpFormatter)
    r.add_argument("--only", action="append", metavar="NAME", help="run only this analysis (repeatable)")
    r.add_argument("--out", default="results", help="output folder (default: results/)")
    r.add_argument("--seed", type=int, default=None, help="base random seed (default: listed below)")
    r.add_argument("--quick", action="store_true", help="few draws: smoke test only, marked on every output")
    r.add_argument("--strict", action="store_true", help="exit 1 if any fit fails its diagnostics")
    r.add_argument("--data", help="use this case package folder instead of the bundled dataset")
    r.add_argument("--workers", type=int, metavar="N",
                   help="run groups of refits on N local Dask workers (default: $CBSTATS_WORKERS, "
                        "else one per core)")
    r.add_argument("--scheduler", metavar="ADDRESS",
                   help="run groups of refits on this Dask scheduler, e.g. tcp://host:8786, or "
                        "'serial' (default: $CBSTATS_SCHEDULER)")
    r.set_defaults(handler=cmd_reproduce)

    x = sub.add_parser("explore", help="write the interactive case explorer (one offline HTML page)",
                       description="Write a self-contained page for exploring the cases: filters, codings "
                                   "with sources, predictions of the main ordinal model that follow a "
                                   "condition score you move, and the timeline of arrangements.")
    x.add_argument("--out", default="explorer.html", help="HTML file to write (default: explorer.html)")
    x.add_argument("--posterior", help="a saved fit (default: results/posteriors/bayes_ordinal.nc if it "
                                       "exists, else the main ordinal model is fitted first)")
    x.add_argument("--data", help="use this case package folder instead of the bundled dataset")
    x.add_argument("--draws", type=int, default=200, help="posterior draws exported to the page (200)")
    x.add_argument("--seed", type=int, default=None, help="seed of the fit, when one is needed")
    x.add_argument("--quick", action="store_true", help="fit with few draws (to try the page out)")
    x.set_defaults(handler=cmd_explore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cbstats`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "reproduce" and args.seed is None:
        from .pipeline import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    try:
        return args.handler(args, parser)
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
