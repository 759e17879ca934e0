"""``cleaner label``, ``cleaner review`` and ``cleaner train``: retraining on a user's pages.

    cleaner label pages/*.txt -o samples/          # the model's labels, as TSV to correct
    cleaner review samples/page1.labels.tsv        # see them coloured in a browser
    cleaner train samples/ -o mysite.model.zip --base  # train, cross-validate, save

A thin shell over :mod:`cleaner.labelling` and :mod:`cleaner.retrain`.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CleanerError
from ..retrain_defaults import (
    DEFAULT_BASE_PAGES,
    DEFAULT_DESIGN,
    DEFAULT_FIT_THREADS,
    DEFAULT_FOLDS,
    DEFAULT_SCOPED_USER_WEIGHT,
    DEFAULT_USER_WEIGHT,
    DESIGNS,
    default_user_weight,
)
from . import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, add_model_arguments
from .clean import read_input

if TYPE_CHECKING:
    from ..model import Model
    from ..retrain import ScopeCheck
    from ..retrain_check import DefaultComparison
    from ..samples import LabelledPage
    from ..scope import SiteScope

__all__ = ["add_parser"]

# The modules that fit and clean (scikit-learn with them) are imported where a command
# runs, so that `cleaner label/review/train --help` answers without loading them.


def _page_text(name: str, *, html: bool, text: bool) -> str:
    return read_input(name, html=html, text=text, mode="browser", metadata=False)[0]


def _stem(path: str) -> str:
    name = Path(path).name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    for suffix in (".labels.tsv", ".tsv", ".txt", ".html", ".htm"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _label(args: argparse.Namespace) -> int:
    from ..api import Cleaner
    from ..labelling import prelabel, sample_paths, write_labelled

    cleaner = Cleaner(args.model, trust_pickle=args.trust_pickle)
    out = Path(args.output)
    names: dict[str, str] = {}
    failures = kept = 0
    for page in args.pages:
        name = _stem(page)
        if name in names:
            print(f"cleaner label: {page}: skipped, {names[name]} has the name {name!r}", file=sys.stderr)
            failures += 1
            continue
        names[name] = page
        tsv = sample_paths(out, name)[1]
        if not args.force and tsv.exists():
            print(
                f"cleaner label: {page}: not labelled, {tsv} exists (it may hold your corrections); "
                "--force overwrites it",
                file=sys.stderr,
            )
            failures += 1
            kept += 1
            continue
        try:
            text = _page_text(page, html=args.html, text=args.text)
            tsv = write_labelled(prelabel(text, cleaner, id=name, site=args.site), out, name, overwrite=args.force)
        except CleanerError as exc:
            print(f"cleaner label: {page}: {exc.command_line_message()}", file=sys.stderr)
            failures += 1
            continue
        except OSError as exc:
            print(f"cleaner label: {page}: {exc}", file=sys.stderr)
            failures += 1
            continue
        print(tsv)
    done = len(args.pages) - failures
    summary = f"{done} page(s) labelled in {out}, {failures} failed"
    if kept:
        summary += f" ({kept} left as they were: their samples exist)"
    if done:
        # the next steps, for the pages just labelled
        summary += (
            f". Correct the labels (first column), check them with `cleaner review {out}/NAME.labels.tsv`, "
            f"then `cleaner train {out} -o MODEL --base`."
        )
    print(summary + ("" if done else "."), file=sys.stderr)
    return EXIT_FAILURES if failures else EXIT_OK


def _review(args: argparse.Namespace) -> int:
    from ..api import Cleaner
    from ..labelling import predict_page, review_html
    from ..samples import read_tsv

    src = args.input
    name = _stem(src)
    if src.endswith(".tsv"):
        page = read_tsv(src, custom_labels=args.custom_labels)
        html = review_html(page, name=name, title=f"{name}: labels from {Path(src).name}")
    else:
        text = _page_text(src, html=args.html, text=args.text)
        pred = predict_page(text, Cleaner(args.model, trust_pickle=args.trust_pickle))
        html = review_html(pred, name=name, title=f"{name}: labels from the model")
    if args.output == "-":
        sys.stdout.write(html)
        return EXIT_OK
    out = Path(args.output) if args.output else Path(src).with_name(name + ".review.html")
    out.write_text(html, encoding="utf-8")
    print(f"wrote {out}; open it in a browser", file=sys.stderr)
    print(out)
    return EXIT_OK


class _Progress(logging.Handler):
    """Prints the library's steps (its INFO log records) with the seconds since the start."""

    def __init__(self, t0: float) -> None:
        super().__init__(logging.INFO)
        self.t0 = t0

    def emit(self, record: logging.LogRecord) -> None:
        what = "" if record.levelno < logging.WARNING else "warning: "
        print(f"  [{time.perf_counter() - self.t0:5.0f} s] {what}{record.getMessage()}", file=sys.stderr)


def _train(args: argparse.Namespace) -> int:
    """``cleaner train``, with the library's steps shown as they run."""
    t0 = time.perf_counter()
    log = logging.getLogger("cleaner")
    handler, level = _Progress(t0), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        return _train_steps(args, t0)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _train_steps(args: argparse.Namespace, t0: float) -> int:
    from ..api import Cleaner
    from ..base_cache import BaseCache, open_base_cache
    from ..blend import DefaultBlend
    from ..evaluate import predict_pages
    from ..retrain import (
        BaseData,
        check_scope,
        cross_validate,
        load_base_data,
        load_scope_sample,
        load_user_samples,
        save_retrained,
        train_model,
    )
    from ..retrain_check import compare_with_default

    samples = load_user_samples(args.samples, custom_labels=args.custom_labels)
    print(
        f"{len(samples.pages)} labelled page(s) from {len(samples.sites)} site(s)"
        + (f"; custom labels: {', '.join(samples.custom_labels)}" if samples.custom_labels else ""),
        file=sys.stderr,
    )
    if not args.base and args.scope is None:
        print(
            f"cleaner train: without --base the model learns from your {len(samples.pages)} labelled page(s) "
            "alone, and it would clean every page it is given, of every site, with only those pages behind "
            "it. Add --base to train with the shipped data too (the new model then cleans the pages of your "
            "sites, and the default model every other page), or pass --scope all to confirm a model of "
            "your pages alone.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    scoped = (args.scope or "site") == "site"
    if scoped and not args.base:
        print(
            "cleaner train: --scope site needs --base (the default model it falls back on, and the lines "
            "that many sites share, come with the base data); add --base, or pass --scope all",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.url_pattern and not scoped:
        print(
            "cleaner train: --url-pattern limits a scope (--scope site, with --base); a model with --scope all "
            "cleans every page",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.base:
        print(
            f"cleaner train: warning: this model knows only your {len(samples.pages)} labelled page(s) and "
            "will clean every page of every site it is given (--scope all); use it on pages of your sites "
            "only, or train with --base to keep the default model for the other sites.",
            file=sys.stderr,
        )
    heldout = load_user_samples(args.heldout, custom_labels=args.custom_labels) if args.heldout else None
    weight = args.user_weight if args.user_weight is not None else default_user_weight(scoped)
    base_data: BaseData | None = None
    base_cache: BaseCache | None = None
    base_files: list[Path] = []
    cached = args.base and args.base_pages != "all" and args.base_limit is None
    if cached and DESIGNS[args.design]["first_stage"] != "logistic":
        print(
            f"cleaner train: the design {args.design} has no logistic stage 1, which the fast retraining on the "
            "prepared base data needs: training on all the base pages (--base-pages all; minutes)",
            file=sys.stderr,
        )
        cached = False
    if cached:
        base_cache = open_base_cache(args.base_data, params=DESIGNS[args.design])
        base_files = base_cache.files
        n = min(int(args.base_pages), len(base_cache.base))
        print(
            f"base training data: a sample of {n} of its {len(base_cache.base)} pages (--base-pages; prepared "
            f"once in {base_cache.path}); each of your pages weighs {weight:g} base pages of all of it; "
            f"{len(base_cache.ranker_texts)} validation page(s) for the headline ranker",
            file=sys.stderr,
        )
    elif args.base:
        base_data = load_base_data(args.base_data, limit=args.base_limit, seed=args.seed)
        base_files = base_data.files
        print(
            f"base training data: {len(base_data.pages)} page(s)"
            + (f" (a sample of --base-limit {args.base_limit})" if args.base_limit is not None else "")
            + f"; each of your pages weighs {weight:g} base pages; "
            f"{len(base_data.ranker_pages)} validation page(s) for the headline ranker",
            file=sys.stderr,
        )
    base_pages = int(args.base_pages) if cached else DEFAULT_BASE_PAGES
    if args.blend != "auto" and not scoped:
        print(
            "cleaner train: --blend mixes a scoped model (--scope site, with --base) with the default model it "
            "holds; a model with --scope all has none",
            file=sys.stderr,
        )
        return EXIT_USAGE
    blend = DefaultBlend(float(args.blend)) if args.blend != "auto" else None
    scores: dict[str, float] = {}
    folds = args.folds if args.folds is not None else (0 if args.base else DEFAULT_FOLDS)
    if args.folds is None and args.base:
        print(
            "no cross-validation: with --base each fold is a fit as long as the final one (below); "
            f"--folds {DEFAULT_FOLDS} runs it, and warns where the new model is worse than the default model "
            "on your pages (so does --heldout SAMPLES, on pages you kept out of training)",
            file=sys.stderr,
        )
    if folds and len(samples.pages) >= 2:
        print(
            f"cross-validating ({min(folds, len(samples.pages))} folds at most"
            + (", each a fit on the base data as long as the final one" if args.base else "")
            + ") ...",
            file=sys.stderr,
        )
        cv = cross_validate(
            samples.pages,
            base=args.base,
            base_data=base_data,
            user_weight=weight,
            design=args.design,
            folds=folds,
            scoped=scoped,
            url_patterns=args.url_pattern,
            threads=args.threads,
            base_cache=base_cache,
            base_pages=base_pages,
            blend=blend,
        )
        print(cv.report())
        scores = cv.scores()
        if cv.against_default is not None:
            _print_comparison(cv.against_default, args.output, "in cross-validation")
    elif folds:
        print("one labelled page only: no cross-validation", file=sys.stderr)
    print("training the final model ...", file=sys.stderr)
    t_fit = time.perf_counter()
    model = train_model(
        samples.pages,
        base=args.base,
        base_data=base_data,
        user_weight=weight,
        design=args.design,
        scoped=scoped,
        url_patterns=args.url_pattern,
        threads=args.threads,
        base_cache=base_cache,
        base_pages=base_pages,
        blend=blend,
    )
    fit_seconds = time.perf_counter() - t_fit
    if model.scope is not None:
        print(_blend_report(model), file=sys.stderr)
    if model.scope is not None:
        check = None
        if base_cache is not None:
            logging.getLogger("cleaner").info(
                "checking the scope on %d base and %d sample pages",
                len(base_cache.probe_base),
                len(base_cache.probe_sample),
            )
            check = check_scope(model.scope, base_cache, base_cache.probe_sample)
        elif base_data is not None:
            sample = load_scope_sample(args.base_data)
            logging.getLogger("cleaner").info(
                "checking the scope on %d base and %d sample pages", len(base_data.pages), len(sample)
            )
            check = check_scope(model.scope, base_data, sample)
        print(_scope_report(model.scope, samples.pages, check), file=sys.stderr)
    if heldout is not None:
        logging.getLogger("cleaner").info("cleaning your %d held-out page(s) with both models", len(heldout.pages))
        comparison = compare_with_default(
            heldout.pages,
            predict_pages(Cleaner(model), heldout.pages),
            predict_pages(Cleaner(), heldout.pages),
        )
        _print_comparison(comparison, args.output, "on the held-out pages")
        scores.update({f"heldout_{k}": round(v[0], 4) for k, v in comparison.scores.items()})
    logging.getLogger("cleaner").info("saving %s", args.output)
    saved = save_retrained(
        model,
        args.output,
        files=samples.files,
        base_files=base_files,
        base_limit=args.base_limit,
        command=shlex.join(["cleaner", *sys.argv[1:]]),
        scores=scores,
    )
    print(
        f"saved {args.output} (labels: {', '.join(saved.labels)}; {time.perf_counter() - t0:.0f} s). "
        "Use it with "
        f"`cleaner clean --model {args.output} PAGE`; compare it with the default model with "
        f"`cleaner evaluate --model {args.output} --compare-default HELD-OUT-SAMPLES`.",
        file=sys.stderr,
    )
    if args.folds is None and args.base and len(samples.pages) >= 2:
        k = min(DEFAULT_FOLDS, len(samples.sites) if len(samples.sites) >= 2 else len(samples.pages))
        print(
            f"The fit took {fit_seconds:.0f} s: cross-validation (--folds {k}) would take about "
            f"{k * fit_seconds / 60:.0f} min more.",
            file=sys.stderr,
        )
    return EXIT_OK


def _blend_report(model: Model) -> str:
    """How the new model mixes in the default model on the pages it cleans (cleaner.blend)."""
    share = model.blend.share if model.blend is not None else 1.0
    trials = model.manifest.get("blend_trials") or []
    if not trials:
        how = (
            "as given (--blend)"
            if model.blend is not None
            else "(not chosen: one labelled page, or no prepared base data: --base-pages all, --base-limit)"
        )
        return f"blend with the default model on the pages the new model cleans: its share {share:g} {how}"

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else "-"

    lines = [
        f"blend with the default model on the pages the new model cleans: its share {share:g}, chosen on your "
        "pages, each cleaned by a model that did not see it (the best word accuracy among the shares that keep "
        "the default model's main-article body F1 and headline; of the shares within 0.005 of it, the smallest)",
        f"  {'share':>6}{'body F1':>9}{'headline':>10}{'word acc':>10}",
    ]
    for t in trials:
        mark = "  <-" if t.get("share") == share else ""
        lines.append(
            f"  {t.get('share', 0):>6g}{cell(t.get('main_body_f1')):>9}{cell(t.get('headline_accuracy')):>10}"
            f"{cell(t.get('word_accuracy')):>10}{mark}"
        )
    return "\n".join(lines)


def _print_comparison(comparison: DefaultComparison, model: str, where: str) -> None:
    """The retrained and the default model field by field, and a warning for each field
    the retrained model loses."""
    print(f"retrained against default model {where} ({comparison.pages} page(s)):", file=sys.stderr)
    print(f"  {'':<28}{'retrained':>10}{'default':>9}", file=sys.stderr)
    for name, (mine, theirs) in comparison.scores.items():
        print(f"  {name:<28}{mine:>10.3f}{theirs:>9.3f}", file=sys.stderr)
    for line in comparison.warnings(model, where):
        print(f"cleaner train: warning: {line}", file=sys.stderr)


def _declared(scope: SiteScope, hosts: dict[str, str]) -> str:
    if scope.url_patterns:
        return f"URL patterns {', '.join(scope.url_patterns)}"
    if hosts:
        return f"hosts {', '.join(sorted(set(hosts.values())))} and their subdomains"
    return "no site named by its host ('# site: mysite.example'): by text only"


def _scope_report(scope: SiteScope, samples: Sequence[LabelledPage], check: ScopeCheck | None) -> str:
    """What the scope holds, and which pages it takes: all the user's, (almost) no others."""
    hosts = scope.declared_hosts()
    lines = [
        "scope: the new model cleans the pages of your sites, the default model every other page "
        "(--scope all: every page by the new model). A page is of your sites",
        "  by its URL, where it is known (cleaner clean --url, or the canonical URL an HTML page declares): "
        + _declared(scope, hosts),
        f"  by its text otherwise: {scope.min_shared} or more of a site's template lines, and at least "
        f"{scope.min_fraction:.0%} of them",
    ]
    for site, keys in sorted(scope.sites.items()):
        short = " (too few: by text, its pages go to the default model)" if len(keys) < scope.min_shared else ""
        lines.append(f"  {site or '(no site)'}: {len(keys)} template line(s){short}")
    inside = sum(scope.covers(p.text) for p in samples)
    lines.append(f"  your pages in scope by their text: {inside} of {len(samples)}")
    if check is not None:
        url = bool(scope.url_patterns or hosts)
        lines.append(
            f"  pages of other sites in scope by their text (by their URL): base training pages "
            f"{check.base_in_scope} of {check.base}"
            + (f" ({check.base_by_url})" if url else "")
            + f"; a sample of other sites (validation and test splits) {check.sample_in_scope} of {check.sample}"
            + (f" ({check.sample_by_url})" if url else "")
            + (f"; {check.own} page(s) of your own sites left out" if check.own else "")
        )
    return "\n".join(lines)


def _labels_arg(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def _at_least_one(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return n


def _base_pages(value: str) -> str:
    if value == "all":
        return value
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of pages or 'all', not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a number of pages >= 1 or 'all', not {value}")
    return str(n)


def _blend_arg(value: str) -> str:
    if value == "auto":
        return value
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be auto or a number from 0 to 1, not {value!r}") from None
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"must be auto or a number from 0 to 1, not {value}")
    return str(x)


def _positive(value: str) -> float:
    x = float(value)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return x


def _page_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of pages, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a number of pages >= 1, not {value}")
    return n


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "label",
        help="write the model's labels of pages as TSV samples to correct",
        description=(
            "Label pages with the model and write, per page, NAME.txt (the page text) and "
            "NAME.labels.tsv (one segment a line: label<TAB>text) to DIR. Correct the labels, "
            "then train on DIR with `cleaner train`."
        ),
    )
    p.add_argument("pages", nargs="+", metavar="PAGE", help="page text files (HTML is rendered)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the samples")
    add_model_arguments(p)
    p.add_argument(
        "--site",
        default=None,
        help="write a '# site: SITE' header: your site's host, for example mysite.example (a retrained model "
        "then takes the pages of that host; default: the folder's name)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing TSVs (they may hold corrections)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--html", action="store_true", help="the pages are HTML")
    kind.add_argument("--text", action="store_true", help="the pages are text even if named .html")
    p.set_defaults(func=_label)

    p = sub.add_parser(
        "review",
        help="write an HTML page showing a page's segments coloured by label",
        description=(
            "Write a self-contained HTML page showing every segment coloured by its label: the "
            "model's labels and probabilities for a PAGE, the sample's labels for a TSV. Click a "
            "segment and a label to correct it; 'Download TSV' saves the corrected sample."
        ),
    )
    p.add_argument("input", metavar="PAGE|TSV", help="a page text file, or a .tsv sample")
    p.add_argument(
        "-o",
        "--output",
        default=None,
        help="HTML file (default: NAME.review.html beside the input; - for stdout)",
    )
    add_model_arguments(p)
    p.add_argument("--custom-labels", type=_labels_arg, default=[], metavar="A,B", help="labels of your own")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--html", action="store_true", help="the page is HTML")
    kind.add_argument("--text", action="store_true", help="the page is text even if named .html")
    p.set_defaults(func=_review)

    p = sub.add_parser(
        "train",
        help="train a model on labelled samples, cross-validate it and save it",
        description=(
            "Train a model on your labelled samples (TSV/JSONL files or folders), alone or with the "
            "shipped training data (--base). Prints cross-validated per-label scores over your pages, "
            "grouped by site, and saves the model with its manifest (a zip of JSON and arrays, which "
            "runs no code when loaded)."
        ),
    )
    p.add_argument("samples", nargs="+", metavar="SAMPLES", help="sample files or folders")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write (NAME.model.zip)")
    p.add_argument("--base", action="store_true", help="train together with the shipped training data")
    p.add_argument(
        "--base-data",
        default=None,
        metavar="DIR",
        help="folder with train.jsonl.gz and validation.jsonl.gz (default: corpus/training of a checkout)",
    )
    p.add_argument(
        "--base-limit",
        type=_page_count,
        default=None,
        metavar="N",
        help="use a random sample of N base pages (faster; a full --base fit takes minutes)",
    )
    p.add_argument(
        "--base-pages",
        type=_base_pages,
        default=str(DEFAULT_BASE_PAGES),
        metavar="N|all",
        help=(
            f"with --base, fit on your pages and a random sample of N base pages (default {DEFAULT_BASE_PAGES}; "
            "the base data is prepared once, in minutes, and kept in $CLEANER_CACHE_DIR, else "
            "$XDG_CACHE_HOME/cleaner or ~/.cache/cleaner; then a fit takes under a minute); all: every base "
            "page, the default model's recipe (minutes a fit)"
        ),
    )
    p.add_argument(
        "--user-weight",
        type=_positive,
        default=None,
        metavar="W",
        help=(
            f"with --base, each of your pages counts as W base pages (default {DEFAULT_SCOPED_USER_WEIGHT:g} "
            f"with --scope site, {DEFAULT_USER_WEIGHT:g} with --scope all)"
        ),
    )
    p.add_argument(
        "--blend",
        type=_blend_arg,
        default="auto",
        metavar="auto|SHARE",
        help=(
            "with --scope site, the new model's share (0 to 1) in the mix of its probabilities with the default "
            "model's on the pages it cleans: auto (default) chooses it on your pages, each cleaned by a model "
            "that did not see it (a few seconds more); 1: the new model alone"
        ),
    )
    p.add_argument("--custom-labels", type=_labels_arg, default=[], metavar="A,B", help="labels of your own")
    p.add_argument(
        "--heldout",
        action="append",
        default=[],
        metavar="SAMPLES",
        help=(
            "labelled pages of your sites kept out of training (files or folders; repeatable): the new model "
            "and the default model clean them, and train warns on each field (headline, authors, body, word F1 "
            "of a label) where the new model is worse, naming the pages"
        ),
    )
    p.add_argument("--design", default=DEFAULT_DESIGN, choices=sorted(DESIGNS), help="classifier design")
    p.add_argument(
        "--folds",
        type=int,
        default=None,
        help=(
            f"cross-validation folds, 0: none (default {DEFAULT_FOLDS} without --base, which takes seconds; "
            "none with --base, where each fold is a full fit: train prints what it would cost)"
        ),
    )
    p.add_argument(
        "--scope",
        choices=("site", "all"),
        default=None,
        help=(
            "site: the new model cleans pages that share template lines with your samples, the default "
            "model every other page (needs --base; the default with it); all: the new model cleans every "
            "page (without --base it must be given, to confirm a model that knows only your pages)"
        ),
    )
    p.add_argument(
        "--url-pattern",
        action="append",
        default=[],
        metavar="PATTERN",
        help=(
            "with --scope site, a page whose URL (without its scheme) matches this glob is in scope, and "
            "no other page whose URL is known, for example 'mysite.example/news/*' (repeatable; default: "
            "the hosts your samples' '# site:' headers name)"
        ),
    )
    p.add_argument(
        "--threads",
        type=_at_least_one,
        default=DEFAULT_FIT_THREADS,
        metavar="N",
        help=(
            f"threads of the fits (default {DEFAULT_FIT_THREADS}: on a busy machine more threads wait for "
            "cores and make the fit slower; give more on an idle machine with more cores)"
        ),
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the --base-limit sample")
    p.set_defaults(func=_train)
