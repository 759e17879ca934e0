"""Where cleaning time goes: milliseconds per typical page for each stage of clean_many.

    python benchmarks/stages.py [--repeat 3] [--batch 50] [--profile] [--cpu]

Runs the steps of ``Cleaner.clean_many`` one by one over the typical pages (8-12 KB
of text from ``corpus/training/test.jsonl.gz``) in batches, and prints the best of
``--repeat`` rounds for each stage. ``--profile`` prints a cProfile of
``clean_many`` instead (sorted by own time). ``--cpu`` times the stages in the CPU
time of the process rather than the wall time (``benchmarks/stage_timing.py``).

After classifying, the steps are those of ``Cleaner._run``: the decode stage's steps
before the headline ranker (the article filter and the ranker's candidates among
them), the ranker's choice for the batch's pages in one call, the decode stage's
steps after it, merging units into segments, assembling articles and enriching the
main article. (Before the ranker was batched, this script timed ``decode_labels``
without the article filter and the run's edges, and the ranker with its candidates
page by page, and no enrich.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stage_timing import StageTimes, add_timing_arguments, clock, print_best, print_profile  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.document import CleanResult  # noqa: E402
from cleaner.model.fast_path import one_thread  # noqa: E402
from cleaner.model.predict import stack_matrix  # noqa: E402
from cleaner.pipeline.assemble import assemble_articles, merge_units  # noqa: E402
from cleaner.pipeline.decode import finish_decoding  # noqa: E402
from cleaner.pipeline.enrich import enrich  # noqa: E402
from cleaner.pipeline.featurize import featurize  # noqa: E402
from cleaner.pipeline.read import Page  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402


def _typical(path: Path) -> list[str]:
    return [p.text for p in read_jsonl(path) if 8000 <= len(p.text.encode("utf-8")) <= 12000]


def _round(cleaner: Cleaner, texts: list[str], batch: int, now: Callable[[], float]) -> StageTimes:
    predictor = cleaner.model.predictor
    t = StageTimes()
    add = t.add
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        t0 = now()
        units = [cleaner._segment(Page(x)) for x in chunk]
        t1 = now()
        feats = [featurize(x, u) for x, u in zip(chunk, units, strict=True)]
        t2 = now()
        with one_thread():
            p1 = predictor._stage1_proba(feats)
            t3 = now()
            S = stack_matrix(p1, feats)
            t4 = now()
            proba = predictor.stage2.predict_proba(S)
        t5 = now()
        add("split_units", t1 - t0)
        add("featurize", t2 - t1)
        add("stage 1", t3 - t2)
        add("stage-2 matrix", t4 - t3)
        add("stage 2 predict", t5 - t4)
        pages = [Page(x) for x in chunk]
        models = [cleaner.model] * len(chunk)
        started = []
        pos = 0
        a = now()
        for page, u in zip(pages, units, strict=True):
            started.append(cleaner._start_decoding(page, u, proba[pos : pos + len(u)], cleaner.model))
            pos += len(u)
        b = now()
        # the headline ranker: one call for the batch's pages (Cleaner._run)
        choices = cleaner._rank_headlines(started, models, [None] * len(chunk))
        c = now()
        add("decode: before ranker", b - a)
        add("headline ranker", c - b)
        for page, decoding, choice in zip(pages, started, choices, strict=True):
            if decoding is None:
                continue
            a = now()
            why: list[str | None] = []
            labels, conf = finish_decoding(decoding, choice, why=why)
            b = now()
            segs = merge_units(page.text, decoding.units, labels, conf, why)
            c = now()
            articles = assemble_articles(segs, reference_time=cleaner.config.reference_time)
            d = now()
            enrich(page.text, CleanResult(articles=articles, segments=segs), page.meta, title_in_text=False)
            e = now()
            add("decode: after ranker", b - a)
            add("merge_units", c - b)
            add("assemble_articles", d - c)
            add("enrich", e - d)
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=ROOT / "corpus" / "training" / "test.jsonl.gz")
    ap.add_argument("--batch", type=int, default=50)
    add_timing_arguments(ap)
    args = ap.parse_args()
    texts = _typical(args.pages)
    cleaner = Cleaner()
    cleaner.clean_many(texts[:50])
    if args.profile:
        print_profile(lambda: cleaner.clean_many(texts, batch_size=args.batch), 30)
        return 0
    rounds = [_round(cleaner, texts, args.batch, clock(args.cpu)) for _ in range(args.repeat)]
    kind = "CPU" if args.cpu else "wall"
    heading = f"{len(texts)} typical pages, batches of {args.batch}, best of {args.repeat}: ms ({kind} time) per page"
    print_best(rounds, len(texts), heading, decimals=3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
