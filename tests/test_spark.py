""":func:`cleaner.clean_frame` inside PySpark ``mapInPandas``, on a real local Spark session.

PySpark and Java are not dependencies of ``cleaner`` (``pip install 'cleaner[spark]'``
brings PySpark; Java comes from the system). Where either is missing the tests are
skipped, unless ``CLEANER_REQUIRE_SPARK`` is set, as ``.ci/run`` sets it after
installing both: then a missing PySpark or Java fails them, so CI cannot pass by
skipping. Slow tier: the session takes about 20 s to start on the project's machine.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner, CleanResult
from cleaner.cli import main

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "batch.md"
DEMO = REPO / "corpus" / "retrain_demo"
TEST_SPLIT = REPO / "corpus" / "training" / "test.jsonl.gz"
N_PAGES = 300

pytestmark = [
    pytest.mark.slow,
    # PySpark 4.3 warns that it does not fully support pandas 3 yet (raised in the driver
    # when it converts frames for mapInPandas)
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def _pyspark_sql() -> Any:
    """``pyspark.sql``, or a skip (a failure with ``CLEANER_REQUIRE_SPARK`` set)."""
    required = bool(os.environ.get("CLEANER_REQUIRE_SPARK"))
    missing = None
    try:
        import pyspark.sql as pyspark_sql
    except ImportError as exc:
        missing = f"PySpark is not installed ({exc}): pip install 'cleaner[spark]'"
    else:
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            missing = "PySpark needs a Java runtime (apt-get install default-jre-headless)"
    if missing is None:
        return pyspark_sql
    if required:
        pytest.fail(f"CLEANER_REQUIRE_SPARK is set, but {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session with two executor threads, started in an empty directory
    (the JVM resolves relative paths against the directory it started in)."""
    pyspark_sql = _pyspark_sql()
    workdir = tmp_path_factory.mktemp("spark")
    cwd = os.getcwd()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYSPARK_PYTHON", sys.executable)  # the executors' Python: this one, with cleaner
        mp.chdir(workdir)
        session = (
            pyspark_sql.SparkSession.builder.master("local[2]")
            .appName("cleaner-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            # several pandas frames a partition, so clean_frame runs on each of an iterator's
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
            .getOrCreate()
        )
        try:
            yield session
        finally:
            session.stop()
            os.chdir(cwd)


def _rows(rows: list[Any], key: str) -> list[dict[str, Any]]:
    """Spark rows as plain dicts without ``row`` (a batch position inside Spark), in page
    and article order."""
    out = []
    for r in rows:
        d = r.asDict(recursive=True)
        del d["row"]
        out.append(d)
    return sorted(out, key=lambda d: (d[key], d["article"]))


def _expected(keys: list[str], results: list[CleanResult], key: str) -> list[dict[str, Any]]:
    return sorted(
        (
            {key: k, "article": i, **a.to_dict()}
            for k, r in zip(keys, results, strict=True)
            for i, a in enumerate(r.articles)
        ),
        key=lambda d: (d[key], d["article"]),
    )


def _assert_same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w, f"first difference in {w['url']} article {w['article']}"


def test_clean_frame_in_map_in_pandas_equals_clean_many(spark: Any) -> None:
    """300 pages of the test split through ``clean_frame`` in ``mapInPandas`` on two
    executors: every field of every article as ``clean_many`` gives it."""
    import pandas as pd

    from cleaner import clean_frame
    from cleaner.frame import SPARK_SCHEMA

    with gzip.open(TEST_SPLIT, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in islice(f, N_PAGES)]
    pages = pd.DataFrame({"url": [r["id"] for r in records], "text": [r["text"] for r in records]})

    def clean_batches(frames):  # type: ignore[no-untyped-def]  # local: cloudpickle ships it by value
        for pdf in frames:
            yield clean_frame(pdf, "text", keep=["url"])

    sdf = spark.createDataFrame(pages)
    assert sdf.rdd.getNumPartitions() == 2  # one task an executor thread
    got = _rows(sdf.mapInPandas(clean_batches, schema="url string, " + SPARK_SCHEMA).collect(), "url")

    want = _expected(list(pages["url"]), Cleaner().clean_many(list(pages["text"])), "url")
    assert len({d["url"] for d in want}) > N_PAGES * 0.8  # most pages give articles
    _assert_same(got, want)


def _docs_spark_block() -> str:
    """The Python block of docs/batch.md that its marker says this module runs."""
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- tests/test_spark\.py::test_the_docs_spark_example [^>]*-->\n```python\n(.*?)```", text, re.S)
    assert m is not None, "docs/batch.md lost its tested Spark example"
    return m.group(1)


def test_the_docs_spark_example(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/batch.md's Spark example as it stands, with a retrained model shipped to the
    executors: the articles it writes are those of ``Cleaner(model).clean_many``, and the
    model's own label (``caption``, which the shipped model does not have) is in them."""
    import pandas as pd
    from test_retrain import _caption_samples

    workdir = Path(os.getcwd())  # the session's directory: the example's relative paths
    model = workdir / "mysite.joblib"
    train = _caption_samples(DEMO / "train", tmp_path / "train")
    # the demo's pages alone: --scope all confirms it (cleaner train asks, without --base)
    assert main(["train", str(train), "-o", str(model), "--folds", "0", "--scope", "all"]) == 0
    capsys.readouterr()
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((DEMO / "heldout").glob("*.txt"))}
    texts["seed"] = (REPO / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt").read_text(encoding="utf-8")
    (workdir / "pages").mkdir()
    pd.DataFrame({"url": list(texts), "text": list(texts.values())}).to_parquet(workdir / "pages" / "part-0.parquet")

    exec(compile(_docs_spark_block(), str(DOCS), "exec"), {"__name__": "__main__"})

    got = _rows(spark.read.parquet("articles/").collect(), "url")
    want = _expected(list(texts), Cleaner(model).clean_many(list(texts.values())), "url")
    _assert_same(got, want)
    captions = [c for d in got for c in d["extra"].get("caption", [])]
    assert sum(c.startswith("Picture:") for c in captions) >= 5
