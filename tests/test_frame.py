"""Tests of :func:`cleaner.clean_frame`, with pandas and inside Dask DataFrame ``map_partitions``
(inside PySpark ``mapInPandas``: tests/test_spark.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cleaner import CleanerConfig, InputTooLargeError, InputTypeError, clean_frame
from cleaner.frame import ARTICLE_COLUMNS, SPARK_SCHEMA

PAGE = (
    "Council approves new park\n"
    "By Jane Doe | June 9, 2025\n"
    "The city council voted on Monday to build a park near the river, after a year of debate "
    "about cost and noise. Residents welcomed the decision.\n"
    "Work is to begin in the spring and take about two years, the mayor said."
)
HTML = "<html><body><nav>Home</nav>" + "".join(f"<p>{x}</p>" for x in PAGE.split("\n")) + "</body></html>"


def pages() -> pd.DataFrame:
    return pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "text": [PAGE, None, PAGE + "\nMore text here.", float("nan")]},
        index=[10, 11, 12, 13],
    )


def test_one_row_per_article_with_row_labels() -> None:
    out = clean_frame(pages(), "text", keep=["id"])
    assert list(out.columns) == ["id", *ARTICLE_COLUMNS]
    assert set(out["row"]) <= {10, 12} and len(out) >= 2  # missing cells give no rows
    assert dict(zip(out["row"], out["id"], strict=True)) == {10: "a", 12: "c"}
    for _, group in out.groupby("row"):
        assert list(group["article"]) == list(range(len(group)))
    assert out["article"].dtype == "int64"


def test_html_column() -> None:
    out = clean_frame(pd.DataFrame({"html": [HTML]}), "html", html=True)
    assert len(out) >= 1 and list(out["row"].unique()) == [0]


def test_empty_frame_gives_typed_empty_result() -> None:
    empty = clean_frame(pages().iloc[:0], "text", keep=["id"])
    assert list(empty.columns) == ["id", *ARTICLE_COLUMNS] and len(empty) == 0
    assert empty["row"].dtype == "int64" and empty["start"].dtype == "int64"


def test_errors_name_the_row() -> None:
    with pytest.raises(InputTypeError, match="row 1 of column 'text'"):
        clean_frame(pd.DataFrame({"text": [PAGE, 42]}), "text")
    with pytest.raises(InputTypeError, match="decode"):
        clean_frame(pd.DataFrame({"text": [b"bytes"]}), "text")
    with pytest.raises(KeyError, match="'nope'"):
        clean_frame(pages(), "nope")
    with pytest.raises(InputTooLargeError):
        clean_frame(pages(), "text", config=CleanerConfig(max_chars=10))


def test_spark_schema_names_every_column() -> None:
    names = [part.strip().split()[0] for part in SPARK_SCHEMA.split(", ") if " " in part.strip()]
    assert [n for n in names if n in ARTICLE_COLUMNS] == list(ARTICLE_COLUMNS)


@pytest.mark.slow
def test_inside_dask_map_partitions() -> None:
    import dask
    import dask.dataframe as dd

    df = pd.concat([pages()] * 3, ignore_index=True)
    ddf = dd.from_pandas(df, npartitions=3)
    meta = clean_frame(df.iloc[:0], "text", keep=["id"])
    with dask.config.set(scheduler="synchronous"):
        got = ddf.map_partitions(clean_frame, "text", keep=["id"], meta=meta).compute()
    want = clean_frame(df, "text", keep=["id"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


def test_main_only_keeps_one_row_a_page() -> None:
    seed = Path(__file__).parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"
    df = pd.DataFrame({"id": ["seed", "park"], "text": [seed.read_text(encoding="utf-8"), PAGE]})
    every = clean_frame(df, "text", keep=["id"])
    main = clean_frame(df, "text", keep=["id"], main_only=True)
    assert (every["id"] == "seed").sum() == 4 and list(main["id"]) == ["seed", "park"]
    for _, row in main.iterrows():
        rows = every[every["id"] == row["id"]]
        words = [sum(len(p.split()) for p in body) for body in rows["body"]]
        assert row["article"] == rows["article"].iloc[words.index(max(words))]


def test_a_title_column_guides_each_page() -> None:
    body = "The storm reached the coast on Monday night, and people in the harbour town stayed inside. " * 3
    text = f"Home News Sport\nWeather Storm hits coast\n{body}\nContact us"
    df = pd.DataFrame({"text": [text, text, text], "title": ["Storm hits coast", None, float("nan")]})
    out = clean_frame(df, "text", title="title", main_only=True)
    heads = dict(zip(out["row"], out["headline"], strict=True))
    assert heads[0] == "Storm hits coast"  # cut out of "Weather Storm hits coast"
    assert heads[1] == heads[2]  # no title: the same page, the same result
    with pytest.raises(KeyError, match="nope"):
        clean_frame(df, "text", title="nope")
