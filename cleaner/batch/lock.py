"""The lock a batch run holds on its output directory, so that two runs never share it.

``OUT/_run.lock`` is locked with ``flock`` for as long as the run lives and names it
(pid, host, start time, and a token of the run). The kernel lets go of the lock when
its process ends, however it ends, so the lock of a run killed with ``kill -9`` is
simply taken by the next run: there is no stale lock to judge. A second run, or a
``--resume`` started beside a running run, fails to take it and is refused with an
error naming the first run. Two runs started at the same instant race for the same
lock, and one loses.

Workers check the token before they rename an output into place
(:func:`lock_token`): a worker left behind by a killed run, on a Dask cluster
perhaps, sees that another run now holds the directory and writes nothing.

``flock`` locks on NFS are taken on the server by Linux clients (since 2.6.12), so
the lock holds for runs started on two machines that share ``OUT``; on file systems
without locking, taking the lock fails with an error saying so.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import BatchSetupError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "RunLock", "lock_token", "take_lock"]

LOCK_FILE = "_run.lock"


@dataclass(frozen=True, slots=True)
class RunLock:
    """A held lock on an output directory; :meth:`release` when the run ends."""

    path: Path
    token: str
    fd: int

    def release(self) -> None:
        """Remove the lock file and let go of the lock (removed first, so that no run
        locks a file that is about to disappear)."""
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)


def _describe(path: Path) -> str:
    """Who holds the lock at ``path``, as the file says (it is written right after
    the lock is taken, so wait a moment for an empty one)."""
    for _ in range(20):
        try:
            info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return f"pid {info.get('pid')} on {info.get('host')}, started {info.get('started')}"
        except (OSError, ValueError):
            time.sleep(0.05)
    return "a process that has not said which"


def take_lock(out_dir: Path) -> RunLock:
    """Create ``out_dir`` if needed and lock it for this process.

    Raises:
        BatchSetupError: another run holds the directory (the message names it), or
            the directory cannot be created or written.
    """
    path = out_dir / LOCK_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BatchSetupError(f"the output {out_dir} is a file; give a directory (new, or empty)") from None
    except NotADirectoryError:
        raise BatchSetupError(f"the output {out_dir} is inside a file, not a directory") from None
    except OSError as exc:
        raise BatchSetupError(f"cannot create the output directory {out_dir}: {exc.strerror or exc}") from exc
    if not out_dir.is_dir():
        raise BatchSetupError(f"the output {out_dir} is a file; give a directory (new, or empty)")
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise BatchSetupError(f"cannot write in the output directory {out_dir}: {exc.strerror or exc}") from exc
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise BatchSetupError(
                    f"the output directory {out_dir} is in use by another cleaner batch run "
                    f"({_describe(path)}); wait for it to end or stop it, then continue it with --resume"
                ) from None
            raise BatchSetupError(
                f"cannot lock the output directory {out_dir} ({exc.strerror or exc}); "
                "its file system does not support file locks: use another one"
            ) from exc
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the run that held it removed the file as we opened it: take the new one
    token = uuid.uuid4().hex
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "token": token,
    }
    try:
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise BatchSetupError(f"cannot write in the output directory {out_dir}: {exc.strerror or exc}") from exc
    return RunLock(path, token, fd)


def lock_token(out_dir: Path) -> str | None:
    """The token of the run that holds ``out_dir`` now, or None (no lock file, or unreadable)."""
    try:
        info = json.loads((out_dir / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token = info.get("token") if isinstance(info, dict) else None
    return token if isinstance(token, str) else None
