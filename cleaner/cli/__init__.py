"""The ``cleaner`` command line: a thin shell over the library.

Each subcommand lives in a module of this package that defines ``add_parser(sub)``;
the parser's ``func`` default runs it and returns the exit code. Exit codes: 0 done,
1 some inputs failed, 2 usage error or unusable input.

Only the module of the subcommand being run is imported (:data:`_COMMANDS` lists the
others by name and help), so that ``cleaner --help`` loads neither scikit-learn nor
the model code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Collection, Sequence

from ..errors import CleanerError

__all__ = ["EXIT_FAILURES", "EXIT_OK", "EXIT_USAGE", "add_model_arguments", "main"]

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2

# The subcommands, in the order `cleaner --help` lists them: (name, module, help). A
# module is imported only to run one of its subcommands (or show its own --help);
# the others are listed from here (tests/test_cli.py checks this against the modules).
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("clean", "clean", "clean one page and print its articles"),
    ("batch", "batch", "clean every page in a directory tree"),
    ("evaluate", "evaluate", "score a model on labelled pages or dataset records"),
    ("label", "retrain", "write the model's labels of pages as TSV samples to correct"),
    ("review", "retrain", "write an HTML page showing a page's segments coloured by label"),
    ("train", "retrain", "train a model on labelled samples, cross-validate it and save it"),
    ("model", "model", "convert a pickle model file, or show a model file's manifest"),
)

TRUST_PICKLE_HELP = (
    "also load a pickle (joblib) model file, as cleaner wrote them before: loading a pickle RUNS ANY "
    "CODE IT HOLDS, so only for a file from a source you trust (better: convert it once with "
    "`cleaner model convert`)"
)


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """``--model`` and ``--trust-pickle``, as every command that loads a model takes them."""
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument("--trust-pickle", action="store_true", help=TRUST_PICKLE_HELP)


def build_parser(load: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. ``load``: the subcommands whose modules are imported
    for their full parsers (None: all); the others are listed by name and help only."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Turn scraped web page text into clean article documents.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = {module for name, module, _ in _COMMANDS if load is None or name in load}
    for module_name in dict.fromkeys(module for _, module, _ in _COMMANDS):
        if module_name not in wanted:
            for name, _, help in (c for c in _COMMANDS if c[1] == module_name):
                sub.add_parser(name, help=help, add_help=False)  # listed; never parsed
            continue
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs: its first argument that is no option (the
    top-level options take no value), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    command = _command(sys.argv[1:] if argv is None else argv)
    parser = build_parser(load=() if command is None else (command,))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.func(args)
    except CleanerError as exc:
        print(f"cleaner: error: {exc.command_line_message()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code
