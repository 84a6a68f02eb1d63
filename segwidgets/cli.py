"""Command line: ``segwidgets profile DATA --segment COL ...`` (also ``python -m segwidgets``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ._errors import SegmentsNotDistinguishable, SegwidgetsError

__all__ = ["main"]

EXIT_OK, EXIT_INPUT, EXIT_WEAK = 0, 2, 3
_OUTPUTS = (".csv", ".xlsx", ".html", ".md")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other input error
        self.print_usage(sys.stderr)
        raise SystemExit(_fail(message))


def _fail(message: str) -> int:
    print(f"segwidgets: error: {message}", file=sys.stderr)
    return EXIT_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="segwidgets", description="Tell what makes each segment different.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    prof = sub.add_parser("profile", help="profile a table by its segment column")
    prof.add_argument(
        "data",
        help="CSV, TSV, .csv.gz, Parquet or Excel file, a folder or glob of Parquet files, "
        "or a database URL such as duckdb:///path/to.db or postgres://user@host/db",
    )
    prof.add_argument("--table", help="table to profile when DATA is a database URL")
    prof.add_argument("--segment", help="column with the segment labels")
    prof.add_argument("--id", dest="id_column", help="row identifier column (found if omitted)")
    prof.add_argument("--categorical", nargs="+", default=[], metavar="COL")
    prof.add_argument("--exclude", nargs="+", default=[], metavar="COL")
    prof.add_argument("--top", type=int, default=7, help="number of top features (default 7)")
    prof.add_argument("--out", nargs="+", default=[], metavar="FILE", help="|".join(_OUTPUTS))
    prof.add_argument("--allow-weak", action="store_true", help="profile blurry segments too")
    prof.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    prof.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo = sub.add_parser("demo", help="write the synthetic demo customer table")
    demo.add_argument("--rows", type=int, default=5000)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--out", required=True, help="a .csv, .parquet or .xlsx file")
    return parser


def _write_demo(args: argparse.Namespace) -> int:
    from .datasets import demo_customers

    if args.rows < 50:
        return _fail("--rows must be at least 50.")
    frame = demo_customers(n=args.rows, random_state=args.seed)
    out = Path(args.out)
    if out.suffix == ".parquet":
        frame.to_parquet(out, index=False)
    elif out.suffix == ".xlsx":
        frame.to_excel(out, index=False)
    else:
        frame.to_csv(out, index=False)
    print(f"wrote {len(frame):,} rows to {out}", file=sys.stderr)
    return EXIT_OK


def _open_url(url: str, table: str | None):
    """An Ibis table in the database at ``url`` (DuckDB, Postgres, Trino, Spark …)."""
    from ._errors import DataError
    from ._io import first_line

    if not table:
        raise DataError("a database URL needs --table NAME to say which table to profile.")
    import ibis

    try:
        return ibis.connect(url).table(table)
    except Exception as exc:
        raise DataError(f"Could not open table {table!r} at {url}: {first_line(exc)}.") from exc


def _profile(args: argparse.Namespace) -> int:
    from ._io import read_table
    from ._prepare import suggest_segment
    from .profiler import SegmentProfiler

    bad = [o for o in args.out if Path(o).suffix.lower() not in _OUTPUTS]
    if bad:
        return _fail(f"cannot write {bad[0]!r}: --out takes {', '.join(_OUTPUTS)} files.")
    data = args.data
    if "://" in data:
        data = _open_url(data, args.table)
    if args.segment is None:
        if not isinstance(data, str):
            return _fail("say which column holds the segments with --segment COL.")
        guess = suggest_segment(read_table(args.data))
        hint = f" the likely one is {guess!r}: add --segment {guess}" if guess else ""
        return _fail(f"say which column holds the segments with --segment COL;{hint}.")
    profiler = SegmentProfiler(top_n=args.top, allow_weak=args.allow_weak, random_state=args.seed)
    profiler.fit(
        data,
        args.segment,
        id_column=args.id_column,
        categorical=args.categorical,
        exclude=args.exclude,
    )
    prof = profiler.profile_
    for out in args.out:
        suffix = Path(out).suffix.lower()
        if suffix == ".csv":
            prof.to_csv(out)
        elif suffix == ".xlsx":
            prof.to_excel(out)
        elif suffix == ".html":
            prof.to_html(out)
        else:
            Path(out).write_text(prof.to_markdown(), encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    if args.json:
        print(json.dumps(prof.to_dict(), default=str, ensure_ascii=False))
    else:
        print(prof.summary())
        print(
            f"\nweighted F1 {prof.quality.f1_weighted:.2f}; top features: "
            f"{', '.join(prof.top_features())}"
        )
    for warning in prof.warnings:
        print(f"segwidgets: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 3 not distinguishable)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _write_demo(args)
        return _profile(args)
    except SegmentsNotDistinguishable as exc:
        print(f"segwidgets: error: {exc}", file=sys.stderr)
        return EXIT_WEAK
    except SegwidgetsError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ") + ".")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
