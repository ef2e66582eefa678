"""Write export files into a scratch folder and move them into place at the end.

An export that fails half-way (a refused id, a full disk, an interrupt)
leaves the output folder as it was: files are written beside it and moved in
only once every one of them is complete.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["written_into"]


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

        out_dir.mkdir(parents=True, exist_ok=True)
        for produced in sorted(scratch.iterdir()):
            produced.replace(out_dir / produced.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
