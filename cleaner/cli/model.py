"""``cleaner model convert`` and ``cleaner model info``: model files.

    cleaner model convert --trust-pickle old.joblib new.model.zip   # a pickle model, once
    cleaner model info mysite.model.zip                              # its manifest and SHA-256

A thin shell over :func:`cleaner.model.convert_model` and :func:`cleaner.model.load_model`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import EXIT_OK, TRUST_PICKLE_HELP

__all__ = ["add_parser"]


def _convert(args: argparse.Namespace) -> int:
    from ..model import convert_model  # numpy and scipy: only when the command runs

    model = convert_model(args.source, args.target, trust_pickle=args.trust_pickle)
    print(f"wrote {args.target} (sha256 {model.file_sha256}); it loads without --trust-pickle", file=sys.stderr)
    return EXIT_OK


def _info(args: argparse.Namespace) -> int:
    from ..model import load_model  # numpy and scipy: only when the command runs

    model = load_model(args.file, trust_pickle=args.trust_pickle)
    info = {"file": str(args.file or "(the shipped model)"), "sha256": model.file_sha256, "manifest": model.manifest}
    json.dump(info, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "model",
        help="convert a pickle model file, or show a model file's manifest",
        description="Model files: convert an old pickle (joblib) model to the safe format, or show a manifest.",
    )
    cmds = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    c = cmds.add_parser(
        "convert",
        help="rewrite a model file in the safe format (zip of JSON and arrays)",
        description=(
            "Rewrite a model file in the safe format, which runs no code when loaded. Its predictions and "
            "manifest are kept. Reading an old pickle (joblib) model runs any code it holds: --trust-pickle "
            "is needed for one, and only for a file from a source you trust."
        ),
    )
    c.add_argument("source", metavar="OLD", help="the model file to convert (a .joblib pickle)")
    c.add_argument("target", metavar="NEW", help="the model file to write (NAME.model.zip)")
    c.add_argument("--trust-pickle", action="store_true", help=TRUST_PICKLE_HELP)
    c.set_defaults(func=_convert)
    i = cmds.add_parser(
        "info",
        help="print a model file's manifest and SHA-256 as JSON",
        description="Print a model file's manifest and the SHA-256 of its bytes (what batch runs record).",
    )
    i.add_argument("file", nargs="?", default=None, metavar="MODEL", help="model file (default: the shipped model)")
    i.add_argument("--trust-pickle", action="store_true", help=TRUST_PICKLE_HELP)
    i.set_defaults(func=_info)
