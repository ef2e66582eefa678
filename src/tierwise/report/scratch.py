"""Write export files into a scratch folder and move them into place at the end.

An export that fails half-way (a refused id, a full disk, an interrupt)
leaves the output folder as it was: files are written beside it and moved in
only once every one of them is complete. A single file named by the user
(``diff --csv PATH``) is written the same way, beside itself.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tierwise.stops import raise_if_stopped

__all__ = ["written_file", "written_into"]


@contextmanager
def written_into(out_dir: Path) -> Iterator[Path]:
    """A scratch folder whose files move into ``out_dir`` when the block ends well.

    The scratch folder sits in ``out_dir``'s parent, on the same file system,
    so each move is a rename. Files already in ``out_dir`` under other names
    are kept; a file under the same name is replaced.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tierwise-export-", dir=out_dir.parent))
    try:
        yield scratch

        raise_if_stopped()
        out_dir.mkdir(parents=True, exist_ok=True)
        for produced in sorted(scratch.iterdir()):
            produced.replace(out_dir / produced.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def written_file(path: Path) -> Iterator[Path]:
    """A scratch file that replaces ``path`` when the block ends well.

    The scratch file sits in ``path``'s folder, so the move is a rename and
    ``path`` is never seen half-written; when the block raises, it is
    removed and ``path`` stays as it was. A folder that does not exist is
    not made: a mistyped path should not leave folders behind.

    Raises:
        OSError: naming ``path``, when its folder is missing or cannot be
            written in, or a folder stands at ``path``.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        # Made as any new file is (not private, as mkstemp's are).
        scratch.open("x").close()
    except OSError as error:
        # The scratch file's name means nothing to the user; theirs does.
        raise OSError(error.errno, error.strerror, str(path)) from None
    try:
        yield scratch
        raise_if_stopped()
        scratch.replace(path)
    finally:
        scratch.unlink(missing_ok=True)
