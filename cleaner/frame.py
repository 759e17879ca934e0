"""A pandas entry point: :func:`clean_frame` turns a column of pages into a frame of articles.

It is a plain function of one DataFrame, so it runs as it is inside Dask DataFrame
``map_partitions`` and PySpark ``mapInPandas`` (examples in ``docs/batch.md``). The
model is loaded once a process and reused across calls. pandas is an optional
dependency (``pip install 'cleaner[pandas]'``), imported when the function runs, so
``import cleaner`` stays cheap and works without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import CleanerConfig
from .document import Article
from .errors import InputTypeError
from .extras import require

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ARTICLE_COLUMNS", "SPARK_SCHEMA", "clean_frame"]

ARTICLE_COLUMNS: tuple[str, ...] = ("row", "article", *(f.name for f in fields(Article)))
"""The columns of :func:`clean_frame`'s result (after any ``keep`` columns)."""

SPARK_SCHEMA = (
    "row long, article long, headline string, bylines array<string>, authors array<string>, "
    "published string, published_raw string, source string, body array<string>, "
    "related array<string>, extra map<string,array<string>>, start long, end long"
)
"""The result's schema as a PySpark DDL string, for ``mapInPandas`` (add ``keep`` columns)."""

_INT_COLUMNS = frozenset({"article", "start", "end"})


def _missing(value: object) -> bool:
    """None, NaN, pandas.NA (Arrow-backed string columns) or NaT."""
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    scalar: Any = value  # pandas-stubs types isna() per input kind; a scalar here
    return bool(pd.api.types.is_scalar(scalar) and pd.isna(scalar))


def clean_frame(
    df: pd.DataFrame,
    column: str,
    *,
    model: str | Path | None = None,
    config: CleanerConfig | None = None,
    html: bool = False,
    keep: Sequence[str] = (),
    main_only: bool = False,
    title: str | None = None,
) -> pd.DataFrame:
    """Clean the pages in ``df[column]``; return one row per article.

    Args:
        df: a frame with one page a row.
        column: the column holding page text (or HTML, with ``html=True``).
        model: a model file path, or None for the shipped model. Loaded once a
            process. (A pickle model file of an older cleaner is refused: convert it
            with ``cleaner model convert``.)
        config: how pages are cleaned; see :class:`cleaner.CleanerConfig`.
        html: the column holds HTML, rendered with
            :func:`cleaner.html_text.html_to_text` before cleaning and cleaned with
            the title, authors and date it declares (:meth:`cleaner.Cleaner.clean_html`).
        keep: columns of ``df`` to copy into each of a row's articles (an id or a
            URL, to join the articles back to their pages).
        main_only: one row a page at most: its main article
            (:attr:`cleaner.CleanResult.main`), with its index on the page.
        title: a column of page titles known from elsewhere (a crawl's metadata), or
            None; a title guides each page's main article as
            ``clean(text, meta=PageMeta(title=...))`` does. Missing values are skipped.

    Returns:
        A DataFrame with the ``keep`` columns, then ``row`` (the page's index label in
        ``df``), ``article`` (the article's index on its page) and one column per
        :class:`cleaner.Article` field. A page without articles, or a missing value
        (None, NaN, pandas.NA), gives no rows. An empty ``df`` gives an empty frame with these
        columns, usable as Dask's ``meta``.

    Raises:
        MissingExtraError: pandas is not installed (``pip install 'cleaner[pandas]'``).
        InputTypeError: a cell is neither text nor missing; the message names its row.
        InputTooLargeError: a page is longer than ``config.max_chars``.
        KeyError: ``column``, ``title`` or a ``keep`` column is not in ``df``.

    >>> import pandas as pd
    >>> pages = pd.DataFrame({"id": [7, 8], "text": [
    ...     "Lovely weather returns\\nBy Jane Doe | June 9, 2025\\nThe sun came out over the city "
    ...     "on Monday, and people went to the park to enjoy the warm afternoon with their "
    ...     "families and friends.", None]})
    >>> out = clean_frame(pages, "text", keep=["id"])
    >>> list(out.columns[:5]), sorted(set(out["id"])), sorted(set(out["row"]))
    (['id', 'row', 'article', 'headline', 'bylines'], [7], [0])
    """
    require("pandas", extra="pandas", feature="cleaner.clean_frame")
    import pandas as pd

    from .cache import cached_cleaner
    from .page_meta import PageMeta

    missing = [c for c in (column, *keep, *([title] if title is not None else [])) if c not in df.columns]
    if missing:
        raise KeyError(f"clean_frame: no column {', '.join(map(repr, missing))} in the frame")
    keep = list(keep)
    columns = [*keep, *ARTICLE_COLUMNS]
    cleaner = cached_cleaner(model, config) if len(df) else None
    rows: list[list[Any]] = []
    kept = df[keep].itertuples(index=False, name=None) if keep else ((),) * len(df)
    titles = df[title] if title is not None else (None,) * len(df)
    for label, value, extra, page_title in zip(df.index, df[column], kept, titles, strict=True):
        if _missing(value):
            continue
        if not isinstance(value, str | bytes) or (isinstance(value, bytes) and not html):
            raise InputTypeError(
                f"clean_frame: row {label!r} of column {column!r} holds {type(value).__name__}, not text"
                + ("; decode bytes first, for example .str.decode('utf-8')" if isinstance(value, bytes) else "")
            )
        assert cleaner is not None
        if html:
            result = cleaner.clean_html(value)
        else:
            known = isinstance(page_title, str) and page_title.strip()
            result = cleaner.clean(str(value), meta=PageMeta(title=page_title.strip()) if known else None)
        main = result.main_index if main_only else None
        for i, a in enumerate(result.articles):
            if main_only and i != main:
                continue
            rows.append([*extra, label, i, *(getattr(a, f.name) for f in fields(Article))])
    out = pd.DataFrame(rows, columns=columns)
    if not rows:  # give empty columns the dtypes that filled ones have
        for c in _INT_COLUMNS:
            out[c] = out[c].astype("int64")
        for c in keep:
            out[c] = out[c].astype(df[c].dtype)
        out["row"] = out["row"].astype(df.index.dtype)
    return out
