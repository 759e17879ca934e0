"""Optional dependencies: which extra of ``cleaner`` brings each, and the error when one is missing.

``pip install cleaner`` brings what :func:`cleaner.clean`, :func:`cleaner.clean_html`
and ``cleaner clean``/``cleaner batch`` on text and HTML need. The rest comes with an
extra:

========  =====================================  ==========================================
extra     brings                                 for
========  =====================================  ==========================================
pandas    pandas                                 :func:`cleaner.clean_frame`
dask      dask[dataframe,distributed], pandas    ``cleaner batch --scheduler``, Dask DataFrames
spark     pyspark[sql] (pandas, pyarrow)         ``clean_frame`` inside PySpark ``mapInPandas``
warc      warcio                                 ``.warc``/``.wet`` inputs of ``cleaner batch``
batch     warc and dask                          (the former name of both)
========  =====================================  ==========================================

PySpark also needs a Java runtime, which pip cannot install (``apt-get install
default-jre-headless`` on Debian). An entry point called without its extra raises
:class:`cleaner.errors.MissingExtraError`, whose message names the extra.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from .errors import MissingExtraError

__all__ = ["available", "require"]


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` naming ``extra``.

    >>> require("json", extra="none", feature="a doctest").__name__
    'json'
    >>> require("no_such_module_here", extra="pandas", feature="cleaner.clean_frame")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.errors.MissingExtraError: cleaner.clean_frame needs ... pip install 'cleaner[pandas]'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # only the module itself (or its package) missing; a broken dependency inside
        # an installed module is another problem, and its own error says which
        top = module.split(".", 1)[0]
        if exc.name is not None and exc.name not in (module, top):
            raise
        raise MissingExtraError(feature, module, extra) from exc


def available(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it, where that can be told).

    >>> available("json"), available("no_such_module_here")
    (True, False)
    """
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or None in sys.modules
        return False
