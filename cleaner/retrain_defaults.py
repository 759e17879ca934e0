"""The defaults of retraining, in a module of plain values.

``cleaner train --help`` shows them; keeping them apart from the modules that fit
models (:mod:`cleaner.retrain`, :mod:`cleaner.trainer`, :mod:`cleaner.base_cache`,
which import scikit-learn) lets the command line answer without loading those. Those
modules import the values from here under the same names.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DEFAULT_BASE_PAGES",
    "DEFAULT_DESIGN",
    "DEFAULT_FIT_THREADS",
    "DEFAULT_FOLDS",
    "DEFAULT_SCOPED_USER_WEIGHT",
    "DEFAULT_USER_WEIGHT",
    "DESIGNS",
    "default_user_weight",
]

DEFAULT_USER_WEIGHT = 20.0
"""How many base pages one user page counts as when training with ``base=True``.

The base data holds 4,417 pages (2,917 train-split pages of 1,068 sites and 1,500
composed aggregator pages), so five user pages of one site at weight 1 are 0.1% of the
data and barely move a model fitted to all the others; at 20 they weigh as much as 100
base pages (about 2%), enough to learn the user's layout, still far from outweighing
the rest. On the retraining demo (docs/retraining.md) weights 5, 10 and 20 cut the
held-out error from 48% to 40%, 26% and 27% (an earlier base recipe).
``--user-weight`` overrides it; a user with many pages of their own can lower it.
This is the weight of a model without a scope, which cleans every page; a scoped model
uses :data:`DEFAULT_SCOPED_USER_WEIGHT`."""

DEFAULT_SCOPED_USER_WEIGHT = 100.0
"""The user-page weight of a scoped model (``scoped=True``, ``cleaner train --base``).

A scoped model cleans only pages of the user's sites (:mod:`cleaner.scope`); every
other page goes to the default model. Its heavier weight costs nothing on pages
outside the scope, and on the retraining demo it learns the layout much better:
held-out word error 29.2% at weight 20 (unscoped, against 44.1% for the default model
of the day) and 5.3% at weight 100 (scoped, against 48.3% for today's default model;
docs/retraining.md)."""


def default_user_weight(scoped: bool) -> float:
    """:data:`DEFAULT_SCOPED_USER_WEIGHT` for a scoped model, else :data:`DEFAULT_USER_WEIGHT`."""
    return DEFAULT_SCOPED_USER_WEIGHT if scoped else DEFAULT_USER_WEIGHT


DEFAULT_FIT_THREADS = 1
"""OpenMP (and BLAS) threads of a retraining's fits (``cleaner train --threads``).

One: the fits are mostly single-threaded (averaged SGD) but for scikit-learn's
gradient boosting, whose OpenMP threads wait, spinning, for cores that other
processes hold. On the 2-core machine at a load average of 2.6, the stage-2 fit of a
``--base-limit 23`` retraining took 6 s on one thread and 39 to 63 s on two
(``cleaner train corpus/retrain_demo/train --base --base-data DIR --base-limit 23``,
``OMP_NUM_THREADS`` 1 and 2); a full ``--base`` retraining: see docs/retraining.md.
Give more on a machine of your own with idle cores."""

DEFAULT_FOLDS = 5
"""Folds of the cross-validation (fewer when there are fewer groups of pages)."""

# The block classifier's designs (cleaner.trainer), by name.
DESIGNS: dict[str, dict[str, Any]] = {
    "logistic": {"first_stage": "logistic", "second_stage": "none"},
    "logistic+logistic-stack": {"first_stage": "logistic", "second_stage": "logistic"},
    "logistic+boosting-stack": {"first_stage": "logistic", "second_stage": "boosting"},
    "boosting": {"first_stage": "boosting", "second_stage": "none"},
    "boosting+logistic-stack": {"first_stage": "boosting", "second_stage": "logistic"},
    "both+boosting-stack": {"first_stage": "logistic+boosting", "second_stage": "boosting"},
}
DEFAULT_DESIGN = "logistic+boosting-stack"

DEFAULT_BASE_PAGES = 400
"""Base pages a fast retraining samples (of the 4,417) for its stage-1 fit; stage 2
learns from the cached out-of-fold probabilities of :data:`cleaner.base_cache.STAGE2_SHARE` of them, and
the user pages' out-of-fold fits use :data:`cleaner.base_cache.OUT_OF_FOLD_SHARE` of them. Measured in
docs/retraining.md ("How long a --base retraining takes")."""
