"""Train the block classifier and save a model file with its manifest.

    python -m training.train corpus/training -o my.model.zip       # a model file
    python -m training.train corpus/training --replace-default      # rebuild the shipped model
    python -m training.train corpus/training --compare             # the design comparison table
    python -m training.train corpus/training --ranker-of M -o N    # M's classifier, its ranker refitted

DATA is a folder with ``train.jsonl.gz`` and ``validation.jsonl.gz`` (as written by
``python -m training.build_data``). The model is fitted on the train split and scored
on the validation split; the saved model is that fit, so the scores in its manifest
are held out (``--refit`` fits train plus validation before saving instead).

The model is written where ``-o/--out`` says; the packaged model
(``cleaner/models/default.model.zip``) is overwritten only with ``--replace-default``.
Without either nothing is trained (exit code 2).

``--ranker-of MODEL`` fits no block classifier: it keeps MODEL's and refits only its
headline ranker on the validation split, as a full run fits it, on the units that
today's segmenter cuts (a segmenter change moves the ranker's candidates, not the
classifier's fit). The manifest is MODEL's, with the command and the file it came from.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaner.model import default_model_path, load_model, save_model, training_data_hash
from cleaner.pipeline.decode import STEPS, step_parameters
from cleaner.samples import LabelledPage, load_samples
from cleaner.trainer import (
    COMPOSED_PAGES,
    DEFAULT_DESIGN,
    DESIGNS,
    evaluate_pages,
    fit_headline_ranker,
    fit_pages,
    with_composed,
)

__all__ = ["main"]


def _load(folder: Path, name: str) -> tuple[list[LabelledPage], list[Path]]:
    files = sorted(folder.glob(f"{name}.jsonl*"))
    return (load_samples(*files) if files else []), files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="folder with train.jsonl.gz and validation.jsonl.gz")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("-o", "--out", type=Path, default=None, help="the model file to write")
    where.add_argument(
        "--replace-default",
        action="store_true",
        help=f"overwrite the packaged model ({default_model_path()}), which cleaner ships and uses by default",
    )
    ap.add_argument("--design", default=DEFAULT_DESIGN, choices=sorted(DESIGNS))
    ap.add_argument("--compare", action="store_true", help="fit every design, print the comparison, save nothing")
    ap.add_argument("--extra", nargs="*", type=Path, default=[], help="more sample files added to training")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training pages (quick runs)")
    ap.add_argument(
        "--compose",
        type=int,
        default=COMPOSED_PAGES,
        help=f"aggregator pages composed from the training pages and added (default {COMPOSED_PAGES})",
    )
    ap.add_argument(
        "--random-state",
        type=int,
        default=None,
        help="seed of the block classifier (default: the design's, 0); another seed measures the "
        "rebuild's variance (training/CHANGELOG.md, 'How much a rebuild moves')",
    )
    ap.add_argument("--stage2-max-iter", type=int, default=None, help="boosting iterations of stage 2")
    ap.add_argument("--stage2-learning-rate", type=float, default=None, help="learning rate of stage 2")
    ap.add_argument(
        "--stage2-fixed",
        action="store_true",
        help="stage 2 runs exactly --stage2-max-iter iterations on all its rows, without early "
        "stopping on a random tenth (a rebuild with another seed moves less)",
    )
    ap.add_argument(
        "--ranker-of",
        type=Path,
        default=None,
        metavar="MODEL",
        help="fit no block classifier: keep MODEL's and refit only its headline ranker on the validation split",
    )
    ap.add_argument(
        "--refit",
        action="store_true",
        help="after scoring on validation, refit on train plus validation (the saved model's "
        "scores are then not held out)",
    )
    args = ap.parse_args(argv)
    if not args.compare and args.out is None and not args.replace_default:
        print(
            "python -m training.train: error: say where the model goes: -o/--out PATH, or --replace-default "
            "to overwrite the packaged model (nothing was trained)",
            file=sys.stderr,
        )
        return 2

    if args.ranker_of is not None:
        return _refit_ranker(args, argv)
    train, train_files = _load(args.data, "train")
    valid, valid_files = _load(args.data, "validation")
    extra = load_samples(*args.extra) if args.extra else []
    train = train + extra
    if args.limit is not None:
        train = train[: args.limit]
    train = with_composed(train, args.compose)
    if not train:
        print(f"no training pages found in {args.data}", file=sys.stderr)
        return 2
    print(f"training pages: {len(train)}, validation pages: {len(valid)}", file=sys.stderr)

    if args.compare:
        print("| design | word accuracy | macro F1 | body F1 | headline F1 | byline F1 | related F1 | fit s |")
        print("|---|---|---|---|---|---|---|---|")
        for name, params in DESIGNS.items():
            t0 = time.perf_counter()
            model = fit_pages(train, params)
            fit_s = time.perf_counter() - t0
            sc = evaluate_pages(model, valid)
            f = {lbl: sc.prf(lbl)[2] for lbl in ("body", "headline", "byline", "related-item")}
            print(
                f"| {name} | {sc.accuracy:.3f} | {sc.macro_f1:.3f} | {f['body']:.3f} | {f['headline']:.3f} "
                f"| {f['byline']:.3f} | {f['related-item']:.3f} | {fit_s:.0f} |",
                flush=True,
            )
        return 0

    params = DESIGNS[args.design]
    if args.random_state is not None:
        params = {**params, "random_state": args.random_state}
    if args.stage2_max_iter is not None:
        params = {**params, "stage2_max_iter": args.stage2_max_iter}
    if args.stage2_learning_rate is not None:
        params = {**params, "stage2_learning_rate": args.stage2_learning_rate}
    if args.stage2_fixed:
        params = {**params, "stage2_early_stopping": False}
    scores: dict[str, Any] = {}
    model = fit_pages(train, params)
    if valid:
        sc = evaluate_pages(model, valid)
        print(sc.table(), file=sys.stderr)
        scores = {
            "validation_word_accuracy": round(sc.accuracy, 4),
            "validation_macro_f1": round(sc.macro_f1, 4),
            **{f"validation_f1_{lbl}": round(sc.prf(lbl)[2], 4) for lbl in sc.labels},
        }
    # the headline ranker learns from the model's view of pages it did not see: validation
    ranker = fit_headline_ranker(model, valid) if valid else None
    if ranker is None:
        print("no validation pages with a title: the model has no headline ranker", file=sys.stderr)
    if args.refit:
        model = fit_pages(train + valid, params)
        files = [*train_files, *valid_files, *args.extra]
    else:
        files = [*train_files, *args.extra]
    out = default_model_path() if args.replace_default else args.out
    save_model(
        model,
        out,
        {
            "design": args.design,
            "training_data_sha256": training_data_hash(files),
            "training_files": [str(f) for f in files],
            "training_pages": len(train) + (len(valid) if args.refit else 0),
            "composed_pages_added": args.compose,
            "scores_are_held_out": not args.refit,
            "command": "python -m training.train " + " ".join(sys.argv[1:] if argv is None else argv),
            "decoding_steps": {"order": list(STEPS), "parameters": step_parameters()},
            "scores": scores,
            "scores_note": "block classifier on validation, before the headline ranker (fitted on validation)",
        },
        headline_ranker=ranker,
    )
    print(f"saved {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


def _refit_ranker(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    """``--ranker-of``: the model's block classifier kept, its headline ranker refitted
    on the validation split's pages as today's code segments them."""
    if args.compare or args.refit or args.extra:
        print(
            "python -m training.train: error: --ranker-of fits no classifier: leave out --compare, --refit and --extra",
            file=sys.stderr,
        )
        return 2
    valid, _ = _load(args.data, "validation")
    if not valid:
        print(f"no validation pages found in {args.data}: the ranker is fitted on them", file=sys.stderr)
        return 2
    source = load_model(args.ranker_of)
    ranker = fit_headline_ranker(source.estimator, valid)
    if ranker is None:
        print("no validation page has its title among the candidates: no ranker to fit", file=sys.stderr)
        return 2
    kept = {k: v for k, v in source.manifest.items() if k not in ("format", "labels", "params", "headline_ranker")}
    out = default_model_path() if args.replace_default else args.out
    save_model(
        source.estimator,
        out,
        {
            **kept,
            "command": "python -m training.train " + " ".join(sys.argv[1:] if argv is None else argv),
            "block_classifier_from": {
                "file": args.ranker_of.name,
                "sha256": source.file_sha256,
                "command": source.manifest.get("command"),
            },
        },
        headline_ranker=ranker,
    )
    print(
        f"saved {out}: the classifier of {args.ranker_of}, the ranker refitted on {len(valid)} pages", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
