"""Train/validation/test splits by site, never by page.

A page's site is the registered domain of its url (``www.bbc.co.uk`` -> ``bbc.co.uk``);
a record without a url is its own site, named by dataset and id prefix. A site goes to
a split by the SHA-1 of its name: the first 8 hex digits, as a number modulo 100, below
70 is ``train``, below 85 ``validation``, else ``test``. Sites of the gold evaluation
set (record ids in ``corpus/gold/ids.txt``) are forced into ``test``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["SPLITS", "load_gold_ids", "registered_domain", "site_of", "split_of"]

SPLITS: tuple[str, ...] = ("train", "validation", "test")
TRAIN_PERCENT = 70
VALIDATION_PERCENT = 15

# Second-level labels under which registrations happen (co.uk, com.au, ...). A short
# list instead of the Public Suffix List, which is not a dependency; it covers the
# countries in the datasets.
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "gv", "nic", "gob", "mil"})


def registered_domain(url: str) -> str | None:
    """Return the registered domain of a url, or None if it has no host.

    >>> registered_domain("https://www.bbc.co.uk/news/x"), registered_domain("http://a.b.example.com:80/")
    ('bbc.co.uk', 'example.com')
    """
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.strip(".").lower()
    if " " in host or "." not in host:
        return None
    labels = host.split(".")
    if len(labels) <= 2 or all(p.isdigit() for p in labels):
        return host.removeprefix("www.")
    if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(record_id: str, dataset: str, url: str | None) -> str:
    """Return the site of a record: its registered domain, else ``dataset:idprefix``.

    >>> site_of("readability/001", "readability", None)
    'readability:001'
    """
    if url:
        domain = registered_domain(url)
        if domain:
            return domain
    rest = record_id.split("/", 1)[-1]
    prefix = rest.split("/")[0].split("_")[0]
    return f"{dataset}:{prefix}"


def split_of(site: str, forced_test: Iterable[str] = ()) -> str:
    """Return the split of a site (see the module docstring)."""
    if site in set(forced_test):
        return "test"
    bucket = int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < TRAIN_PERCENT:
        return "train"
    if bucket < TRAIN_PERCENT + VALIDATION_PERCENT:
        return "validation"
    return "test"


def load_gold_ids(path: Path) -> set[str]:
    """Read record ids, one a line (``#`` comments allowed); an absent file gives no ids."""
    if not path.is_file():
        return set()
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids
