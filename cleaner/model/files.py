"""Model files: a zip of JSON and NumPy arrays, which loading cannot make run code.

A model file (``default.model.zip``, or what ``cleaner train -o`` writes) is a zip
archive of plain data only:

* ``manifest.json``: the manifest (versions, labels, training data hash, command,
  scores; :func:`cleaner.model.save_model`);
* ``model.json``: the structure of the fitted estimators, as
  :mod:`cleaner.model.state` describes them: types from a closed list, their
  parameters, and the names of their arrays;
* ``arrays/NAME.npy``: the numbers, in NumPy's ``.npy`` format.

``unzip -p FILE manifest.json`` shows the manifest. Reading (:func:`read_model_file`)
never unpickles: JSON is parsed to plain data, each array's header is checked against
the dtype and shape the structure expects before its data is read (NumPy's reader
with ``allow_pickle=False``), the members must be exactly those the structure names,
and sizes are bounded. Model files written before this format were joblib pickles,
which run code when loaded: :func:`file_kind` tells them apart from their first bytes,
without reading further, so that :func:`cleaner.model.load_model` can refuse them
(:class:`~cleaner.errors.UnsafeModelFileError`) or, with ``trust_pickle=True``, load
them the old way.

Writing is deterministic (fixed member order and timestamps): the same model gives
the same bytes, and so the same :func:`model_file_hash`.
"""

from __future__ import annotations

import bz2
import hashlib
import io
import json
import lzma
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError, ModelFormatError, ModelVersionError, UnsafeModelFileError

__all__ = [
    "FILE_FORMAT",
    "MODEL_SUFFIX",
    "ArrayReader",
    "ModelFile",
    "file_kind",
    "model_file_hash",
    "pickle_refusal",
    "read_model_file",
    "write_model_file",
]

FILE_FORMAT = 2
"""Version of the zip layout, in ``model.json`` and in the manifest's ``format`` (1 was
the joblib pickle)."""
MODEL_SUFFIX = ".model.zip"
"""The name ending of model files (any name loads: the content decides)."""

_FORMAT_NAME = "cleaner model"
_MANIFEST = "manifest.json"
_STRUCTURE = "model.json"
_ARRAY_DIR = "arrays/"
_ARRAY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,200}")
# Bounds on what a file may make the reader hold. The shipped model is 7.3 MB on disk
# and 12 MB unpacked (its stage-1 coefficients: 262,277 x 5 float64); a retrained model
# with a scope holds two such models.
MAX_FILE_BYTES = 512 << 20
MAX_UNPACKED_BYTES = 1 << 30
MAX_JSON_BYTES = 64 << 20
# The zip's central directory is parsed whole when the file is opened: its size bounds
# the number of members (a model file has a dozen; 46 bytes or more each).
MAX_DIRECTORY_BYTES = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_END_RECORD = struct.Struct("<4s4H2LH")  # the zip's end of central directory record
_ZIP64_LOCATOR = b"PK\x06\x07"
_DATE = (1980, 1, 1, 0, 0, 0)


def model_file_hash(path: str | Path) -> str:
    """SHA-256 of a model file's bytes (hex): what a batch run records to tell model
    files apart. :attr:`cleaner.model.Model.file_sha256` is the same hash of the bytes
    a model was loaded from."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- what a file is


def _decompressed_head(data: bytes) -> bytes:
    """The first bytes of compressed data, for the compressions joblib writes (b"" if none)."""
    head = data[:4096]
    try:
        if head.startswith(b"\x1f\x8b"):  # gzip
            return zlib.decompressobj(31).decompress(head, 16)
        if head[:1] == b"\x78":  # zlib (joblib's compress=N default)
            return zlib.decompressobj().decompress(head, 16)
        if head.startswith(b"BZh"):  # bz2 gives nothing before its first block (up to 900 kB) is in
            return bz2.BZ2Decompressor().decompress(data[: 1 << 20], 16)
        if head.startswith((b"\xfd7zXZ\x00", b"\x5d\x00\x00")):  # xz, lzma
            return lzma.LZMADecompressor().decompress(head, 16)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
        return b""
    return b""


def _is_pickle(head: bytes) -> bool:
    """Pickle protocols 2 to 5 start with PROTO (0x80) and the protocol number."""
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def file_kind(data: bytes) -> str:
    """What a model file's first bytes say it is: ``"zip"`` (this format),
    ``"pickle"`` (a pickle or joblib file, compressed or not) or ``"unknown"``.

    Only the first few kilobytes are looked at, and compressed ones are only
    decompressed (never unpickled)."""
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    if _is_pickle(data[:2]) or _is_pickle(_decompressed_head(data)):
        return "pickle"
    return "unknown"


def pickle_refusal(path: Path | str) -> UnsafeModelFileError:
    """The error that refuses a pickle model file: what it is, why and what to do."""
    return UnsafeModelFileError(
        f"{path} is a pickle (joblib) file, the model format of cleaner before model files became "
        "zips of arrays. Loading a pickle runs any code it holds, so cleaner refuses it. If you "
        "trust where the file came from, convert it once: `cleaner model convert --trust-pickle "
        f"{path} NEW{MODEL_SUFFIX}` (in Python: cleaner.model.convert_model(path, new_path, trust_pickle=True)); "
        "if you do not, retrain the model with `cleaner train`"
    )


# --------------------------------------------------------------------------- reading


@dataclass
class ArrayReader:
    """The arrays of an open model file, read and checked one at a time.

    Each array is read once, against the dtype and shape its reader expects; at the
    end, :meth:`check_all_read` refuses a file holding arrays nobody asked for.
    """

    source: str
    _zip: zipfile.ZipFile
    _names: frozenset[str]
    _read: set[str] = field(default_factory=set)

    def get(self, name: object, dtype: np.dtype[Any] | type, shape: tuple[int | None, ...], *, at: str) -> np.ndarray:
        """The array ``name`` (a structure value, checked), of exactly ``dtype`` and ``shape``
        (None: any length on that axis).

        Raises:
            ModelFormatError: the name is not a member, was read before, or the array's
                header declares another dtype or shape, or its data is short or long.
        """
        if not isinstance(name, str) or _ARRAY_NAME.fullmatch(name) is None:
            raise ModelFormatError(f"{self.source}: {at} must name an array, not {_show(name)}")
        member = f"{_ARRAY_DIR}{name}.npy"
        if member not in self._names:
            raise ModelFormatError(f"{self.source}: {at} names the array {name!r}, which the file does not hold")
        if name in self._read:
            raise ModelFormatError(f"{self.source}: the array {name!r} is named twice (again at {at})")
        self._read.add(name)
        data = _read_member(self._zip, member, self.source)
        want = np.dtype(dtype)
        fp = io.BytesIO(data)
        try:
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                have_shape, _fortran, have_dtype = np.lib.format.read_array_header_1_0(fp)
            elif version == (2, 0):
                have_shape, _fortran, have_dtype = np.lib.format.read_array_header_2_0(fp)
            else:
                raise ValueError(f"unsupported .npy version {version}")
        except (ValueError, SyntaxError, TypeError, EOFError) as exc:
            raise ModelFormatError(f"{self.source}: {member} is not a readable .npy array ({exc})") from exc
        if have_dtype != want or len(have_shape) != len(shape):
            raise ModelFormatError(
                f"{self.source}: {at} ({member}) holds a {have_dtype} array of shape {have_shape}, "
                f"where a {want} array of {len(shape)} dimension(s) belongs"
            )
        for got, expected in zip(have_shape, shape, strict=True):
            if expected is not None and got != expected:
                shown = tuple("any" if s is None else s for s in shape)
                raise ModelFormatError(
                    f"{self.source}: {at} ({member}) has shape {have_shape}, where shape {shown} belongs"
                )
        # in Python integers: a product of crafted dimensions must not wrap around
        if min(have_shape, default=0) < 0 or len(data) - fp.tell() != math.prod(have_shape) * want.itemsize:
            raise ModelFormatError(f"{self.source}: {member}'s data does not match its shape {have_shape}")
        fp.seek(0)
        try:
            return np.lib.format.read_array(fp, allow_pickle=False)
        except ValueError as exc:
            raise ModelFormatError(f"{self.source}: {member} is not a readable array ({exc})") from exc

    def check_all_read(self) -> None:
        """Refuse arrays that no part of the structure named."""
        extra = sorted(self._names - {f"{_ARRAY_DIR}{n}.npy" for n in self._read})
        if extra:
            raise ModelFormatError(f"{self.source}: unexpected member(s) {', '.join(extra[:5])}")


@dataclass(frozen=True)
class ModelFile:
    """An open model file: its manifest and structure (plain data), its arrays and hash."""

    manifest: dict[str, Any]
    structure: dict[str, Any]
    arrays: ArrayReader
    sha256: str


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_member(zf: zipfile.ZipFile, name: str, source: str) -> bytes:
    """A member's bytes (at most the size it declares), its CRC checked."""
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ModelFormatError(f"{source}: {name} is damaged ({exc}); write the file again") from exc


def _check_end_record(data: bytes, source: str) -> None:
    """The zip ends as cleaner writes it: an end record without a comment or ZIP64 records,
    whose central directory is small (opening a zip reads its whole directory)."""
    if len(data) < _END_RECORD.size + len(_ZIP_MAGIC):
        raise ModelFormatError(f"{source} is a damaged zip file (too short); write it again")
    sig, _, _, _, members, directory, _, comment = _END_RECORD.unpack_from(data, len(data) - _END_RECORD.size)
    if sig != b"PK\x05\x06" or comment:
        raise ModelFormatError(
            f"{source} is a damaged zip file (it does not end with a zip's end record); write it again"
        )
    if data[-_END_RECORD.size - 20 : -_END_RECORD.size - 16] == _ZIP64_LOCATOR:
        raise ModelFormatError(f"{source} is a ZIP64 file, which cleaner never writes: not a model file")
    if directory > MAX_DIRECTORY_BYTES:
        raise ModelFormatError(f"{source} lists {members} members in a {directory:,}-byte directory: not a model file")


def _json_member(zf: zipfile.ZipFile, name: str, source: str) -> dict[str, Any]:
    try:
        value = json.loads(_read_member(zf, name, source).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelFormatError(f"{source}: {name} is not readable JSON ({type(exc).__name__}: {exc})") from exc
    if not isinstance(value, dict):
        raise ModelFormatError(f"{source}: {name} must hold a JSON object, not {type(value).__name__}")
    return value


def read_model_file(data: bytes, source: str) -> ModelFile:
    """Open a model file's bytes (of the zip format; see :func:`file_kind`).

    Args:
        data: the file's bytes.
        source: how errors name the file (its path).

    Raises:
        ModelFormatError: not a zip, or its members or JSON are not a model file's.
        ModelVersionError: the file's layout is of a newer cleaner.
    """
    _check_end_record(data, source)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        raise ModelFormatError(f"{source} is a damaged zip file ({exc}); write it again") from exc
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise ModelFormatError(f"{source}: a member is in the file twice (a tampered file)")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFormatError(f"{source}: {info.filename} is compressed with an unsupported method")
        if info.flag_bits & 0x1:
            raise ModelFormatError(f"{source}: {info.filename} is encrypted")
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise ModelFormatError(f"{source} unpacks to more than {MAX_UNPACKED_BYTES >> 20} MiB: not a model file")
    missing = [n for n in (_MANIFEST, _STRUCTURE) if n not in names]
    if missing:
        raise ModelFormatError(
            f"{source} is a zip file, but not a cleaner model file (no {' or '.join(missing)}); "
            "a model file is written by `cleaner train` or `python -m training.train`"
        )
    arrays = set()
    for name in names:
        if name in (_MANIFEST, _STRUCTURE):
            if zf.getinfo(name).file_size > MAX_JSON_BYTES:
                raise ModelFormatError(f"{source}: {name} is larger than {MAX_JSON_BYTES >> 20} MiB")
        elif name.startswith(_ARRAY_DIR) and name.endswith(".npy"):
            arrays.add(name)
        else:
            raise ModelFormatError(f"{source}: unexpected member {name!r} (a tampered file?)")
    structure = _json_member(zf, _STRUCTURE, source)
    if structure.get("format") != _FORMAT_NAME:
        raise ModelFormatError(f"{source}: {_STRUCTURE} does not describe a cleaner model")
    version = structure.get("version")
    if version != FILE_FORMAT:
        if isinstance(version, int) and not isinstance(version, bool) and version > FILE_FORMAT:
            raise ModelVersionError(
                f"{source} is a model file of format {version}, newer than this cleaner reads ({FILE_FORMAT}); "
                "upgrade cleaner"
            )
        raise ModelFormatError(f"{source}: {_STRUCTURE} has an unknown format version {_show(version)}")
    manifest = _json_member(zf, _MANIFEST, source)
    reader = ArrayReader(source, zf, frozenset(arrays))
    return ModelFile(manifest, structure, reader, hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------- writing


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_model_file(
    path: str | Path, manifest: Mapping[str, Any], structure: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
) -> str:
    """Write a model file atomically (a temporary file beside it, then renamed); return
    its SHA-256.

    Raises:
        ModelError: the manifest or structure is not plain JSON data, or an array holds
            Python objects.
    """
    try:
        manifest_json = json.dumps(manifest, indent=1, ensure_ascii=False)
        structure_json = json.dumps({"format": _FORMAT_NAME, "version": FILE_FORMAT, **structure}, indent=1)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"a model's manifest must be plain data (JSON): {exc}") from exc
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_member(_MANIFEST), manifest_json.encode("utf-8"))
        zf.writestr(_member(_STRUCTURE), structure_json.encode("utf-8"))
        for name, array in arrays.items():
            if _ARRAY_NAME.fullmatch(name) is None:
                raise ModelError(f"bad array name {name!r}")
            if array.dtype.hasobject:
                raise ModelError(f"the array {name!r} holds Python objects; a model file holds numbers only")
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, allow_pickle=False)
            zf.writestr(_member(f"{_ARRAY_DIR}{name}.npy"), npy.getvalue())
    data = buf.getvalue()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()
