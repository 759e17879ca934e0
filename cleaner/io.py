"""Reading pages from files and streams: the one place where input bytes become page text.

``cleaner clean`` (:mod:`cleaner.cli.clean`), ``cleaner label``/``review`` and
``cleaner batch`` (:mod:`cleaner.batch.read`) all read their inputs here, by the same
rules:

* **gzip** is known by its magic bytes, not by the file's name, and decompressed as
  it is read (``page.txt.gz``, but also a compressed file named ``page.txt``).
* **limits**: a page may have :attr:`cleaner.CleanerConfig.max_chars` characters; text
  takes at most :data:`MAX_UTF8_BYTES` bytes of UTF-8 a character, HTML is limited to
  ``max_chars`` bytes (:func:`byte_limit`). A file larger than that is refused from its
  size, before it is read (unless it is gzip); a stream, or decompressed data, as soon
  as it passes the limit: a gzip bomb or an endless pipe stops there.
* **text** must be UTF-8 (strict) and hold no NUL byte (binary data).
* **HTML** is read as bytes, so that its own ``<meta charset>`` decides its encoding
  (:func:`cleaner.page_meta.read_html`); NUL bytes, unless a UTF-16 or UTF-32
  byte-order mark explains them, mean binary data.
* **special files**: with ``regular_only`` (batch runs), a FIFO, socket or device is
  refused from its ``stat``, before it is opened (reading one could block forever).
  ``cleaner clean`` reads them (``cleaner clean <(zcat page.gz)`` reads a pipe).

Errors, one family (:class:`cleaner.errors.InputError`): :class:`InputReadError` for
data that cannot be read or decoded (the message says how to convert it), and
:class:`InputTooLargeError` for data over the limit.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import stat
import sys
import zlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from .errors import InputReadError, InputTooLargeError

if TYPE_CHECKING:
    from .html_text import RenderedPage
    from .page_meta import PageMeta

__all__ = [
    "GZIP_MAGIC",
    "ICONV_HINT",
    "MAX_UTF8_BYTES",
    "byte_limit",
    "check_html_bytes",
    "decode_text",
    "decompressed",
    "looks_like_html",
    "open_page",
    "open_regular",
    "read_bytes",
    "read_error",
    "read_html_page",
    "read_page_bytes",
    "too_large",
]

GZIP_MAGIC = b"\x1f\x8b"
MAX_UTF8_BYTES = 4
"""UTF-8 takes at most this many bytes a character: the most bytes a text of
``max_chars`` characters can have."""
# Read size for streaming inputs; 1 MiB keeps reads few without holding much.
_CHUNK = 1 << 20
# Byte-order marks of the encodings whose text holds NUL bytes (UTF-32 first: its
# little-endian mark starts with UTF-16's).
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ICONV_HINT = "convert it first, for example `iconv -f latin1 -t utf-8 FILE`"
"""What to do with text that is not UTF-8 (``FILE`` stands for the file's name)."""


def byte_limit(max_chars: int | None, *, html: bool) -> int | None:
    """The most bytes a page of ``max_chars`` characters can take: that many bytes of
    HTML, :data:`MAX_UTF8_BYTES` times that many of text (None: no limit).

    >>> byte_limit(1_000, html=True), byte_limit(1_000, html=False), byte_limit(None, html=True)
    (1000, 4000, None)
    """
    if max_chars is None:
        return None
    return max_chars * (1 if html else MAX_UTF8_BYTES)


def too_large(what: str, max_chars: int, advice: str) -> InputTooLargeError:
    """The error for a page over ``max_chars``: ``what`` says by how much, ``advice``
    what to do (which option raises the limit where the caller is)."""
    return InputTooLargeError(f"{what} more than max_chars={max_chars:,} allows; {advice}")


def read_error(exc: BaseException, what: str = "the file") -> InputReadError:
    """The :class:`InputReadError` for an exception raised while reading ``what``."""
    if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        return InputReadError(f"{what} holds corrupt or truncated gzip data ({exc}); recompress or re-fetch the file")
    if isinstance(exc, OSError) and exc.strerror:
        return InputReadError(f"cannot read {what}: {exc.strerror}")
    return InputReadError(f"cannot read {what}: {exc}")


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def _not_regular(mode: int) -> InputReadError | None:
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
    return InputReadError(f"{what}, not a regular file: skipped without opening it (reading could block forever)")


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading; anything else (a FIFO, a socket, a device) is
    refused from its ``stat``, before it is opened.

    Raises:
        InputReadError: ``path`` is no regular file.
        OSError: it cannot be opened.
    """
    error = _not_regular(os.stat(path).st_mode)
    if error is not None:
        raise error
    # non-blocking, so that a FIFO put in the file's place since cannot block the open
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        error = _not_regular(os.fstat(fd).st_mode)
        if error is not None:
            raise error
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _Decompressed(gzip.GzipFile):
    """A gzip stream over a stream it closes with itself."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _buffered(stream: IO[bytes]) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(cast(io.RawIOBase, stream))


def decompressed(stream: IO[bytes]) -> tuple[IO[bytes], bool]:
    """``stream``, decompressed as it is read when it starts with gzip's magic bytes;
    and whether it did. Closing the result closes ``stream``."""
    buffered = _buffered(stream)
    if buffered.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] == GZIP_MAGIC:
        return cast(IO[bytes], _Decompressed(buffered)), True
    return buffered, False


def open_page(
    path: str | Path, *, limit: int | None = None, max_chars: int | None = None, advice: str = "", what: str = ""
) -> IO[bytes]:
    """Open a page file for reading, decompressed if it is gzip (by its magic bytes).

    With ``limit`` (bytes), a regular file larger than that which is not gzip is
    refused before it is read (no more than its magic bytes). Anything but a regular
    file (a FIFO, a socket, a device) is refused from its ``stat``, before it is
    opened: :func:`open_regular`.

    Raises:
        InputReadError: not a regular file.
        InputTooLargeError: larger than ``limit`` (the message says ``max_chars``).
        OSError: it cannot be opened or read.
    """
    raw = open_regular(path)
    try:
        stream, compressed = decompressed(raw)
        if limit is not None and max_chars is not None and not compressed:
            size = os.fstat(raw.fileno()).st_size
            if size > limit:
                raise too_large(f"{what or 'the file'} has {size:,} bytes,", max_chars, advice)
    except BaseException:
        raw.close()
        raise
    return stream


def read_bytes(
    stream: IO[bytes], limit: int | None, max_chars: int | None, *, what: str, advice: str, compressed: bool = False
) -> bytes:
    """At most ``limit`` bytes of ``stream`` (None: all of them); more is an error.

    Raises:
        InputTooLargeError: the stream holds more than ``limit`` bytes.
    """
    data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and max_chars is not None and len(data) > limit:
        unpacked = " once decompressed" if compressed else ""
        raise too_large(f"{what} has more than {limit:,} bytes{unpacked},", max_chars, advice)
    return data


def decode_text(
    stream: IO[bytes],
    max_chars: int | None,
    *,
    what: str = "the file",
    advice: str = "",
    expected: str = "page text must be UTF-8",
    not_utf8: str = ICONV_HINT,
) -> str:
    """Decode a UTF-8 stream chunk by chunk, stopping as soon as it exceeds ``max_chars``.

    ``what`` names the stream in messages, ``expected`` says what it must hold (said of
    binary data), ``not_utf8`` what to do with text that is not UTF-8, and ``advice`` how
    to accept a larger page.

    Raises:
        InputReadError: a NUL byte (binary data), or bytes that are not UTF-8.
        InputTooLargeError: more than ``max_chars`` characters.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[str] = []
    n = 0
    offset = 0
    while True:
        chunk = stream.read(_CHUNK)
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise InputReadError(
                f"{what} holds binary data (a NUL byte at byte {offset + nul:,}), not page text; {expected}"
            )
        pending = len(decoder.getstate()[0])  # bytes of a character begun in the chunk before
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            at = offset - pending + exc.start
            raise InputReadError(f"{what} is not UTF-8 text (byte {at:,}); {not_utf8}") from exc
        parts.append(text)
        n += len(text)
        if max_chars is not None and n > max_chars:
            raise too_large(f"{what} has more than {n:,} characters,", max_chars, advice)
        if not chunk:
            return "".join(parts)
        offset += len(chunk)


def check_html_bytes(data: bytes | str, what: str = "the file") -> None:
    """Raise :class:`InputReadError` for HTML bytes with NUL bytes that no UTF-16 or
    UTF-32 byte-order mark explains: binary data, not a page."""
    if isinstance(data, bytes) and b"\x00" in data and not data.startswith(_WIDE_BOMS):
        raise InputReadError(f"{what} holds binary data (NUL bytes), not HTML")


def read_html_page(
    data: bytes | str, *, mode: str, metadata: bool, max_chars: int | None, what: str = "the page", advice: str = ""
) -> tuple[RenderedPage, PageMeta | None]:
    """HTML's rendering (its text and the markup of each block, which the HTML stage
    reads: :func:`cleaner.page_meta.read_html_page`) and what the page declares,
    checked: binary data refused before parsing, the text limited to ``max_chars``.
    ``Cleaner.clean(rendering.text, meta=meta, rendering=rendering)`` cleans it as
    ``Cleaner.clean_html`` does.

    Raises:
        InputReadError: binary data (:func:`check_html_bytes`).
        InputTooLargeError: the rendered text has more than ``max_chars`` characters.
    """
    from .page_meta import read_html_page as read_rendering  # lxml: only for HTML

    check_html_bytes(data, what)
    rendering, meta = read_rendering(data, mode=mode, metadata=metadata)
    if max_chars is not None and len(rendering.text) > max_chars:
        raise too_large(f"the rendered page has {len(rendering.text):,} characters,", max_chars, advice)
    return rendering, meta


def read_page_bytes(name: str, max_chars: int | None, *, html: bool, advice: str) -> bytes:
    """A file's bytes, or standard input's for ``-``, decompressed if they are gzip, up
    to what a page of ``max_chars`` can take (:func:`byte_limit`). A larger file is
    refused before it is read, a larger stream or decompressed file as soon as it
    passes the limit. Unlike a batch run's inputs, ``name`` may be a pipe.

    Raises:
        InputReadError: it cannot be read, or holds damaged gzip data.
        InputTooLargeError: it holds more bytes than the limit.
    """
    what = "standard input" if name == "-" else name
    limit = byte_limit(max_chars, html=html)
    try:
        if name == "-":
            stream, compressed = decompressed(sys.stdin.buffer)
            return read_bytes(stream, limit, max_chars, what=what, advice=advice, compressed=compressed)
        with open(name, "rb") as raw:
            stream, compressed = decompressed(raw)
            st = os.fstat(raw.fileno())
            if limit is not None and max_chars is not None and not compressed and stat.S_ISREG(st.st_mode):
                if st.st_size > limit:  # refused before it is read
                    raise too_large(f"{what} has {st.st_size:,} bytes,", max_chars, advice)
            return read_bytes(stream, limit, max_chars, what=what, advice=advice, compressed=compressed)
    except (OSError, EOFError, zlib.error) as exc:
        raise read_error(exc, what) from exc


_PROLOG = re.compile(rb"^(?:\s+|<\?xml[^>]*>|<!--.*?-->)*", re.DOTALL)


def looks_like_html(data: bytes) -> bool:
    """Whether data starts as an HTML document does: ``<!DOCTYPE html``, ``<html``,
    ``<head``, ``<meta``, ``<title`` or ``<body``, after an XML declaration, comments or
    a byte-order mark.

    >>> looks_like_html(b"<!-- x --><html><body>x</body></html>"), looks_like_html(b"Storm <b>hits</b>")
    (True, False)
    """
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    m = _PROLOG.match(head)
    head = head[m.end() if m else 0 :].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title", b"<body"))
