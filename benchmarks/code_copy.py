"""The copy of tierwise's code that every run of a benchmark measures.

Other engineers commit to this checkout while a benchmark runs, so the
benchmark copies ``src/tierwise`` once and every run imports the copy. The
copy is compiled to bytecode before any timing: an installed package comes
with its bytecode, and without it each run would spend a fifth of a second
or more compiling about 150 modules, which no user's run pays. Compiling
here does not depend on Python being allowed to write bytecode files as it
imports (``PYTHONDONTWRITEBYTECODE``, set on some machines).
"""

from __future__ import annotations

import compileall
import hashlib
import shutil
import subprocess
from pathlib import Path

__all__ = ["REPO", "code_state", "snapshot_code"]

REPO = Path(__file__).resolve().parent.parent


def snapshot_code(folder: Path) -> str:
    """Copy ``src/tierwise`` as it is now into ``folder``, compiled.

    Returns the state of the checkout that was copied (see :func:`code_state`).
    """
    for _ in range(5):
        before = code_state()
        shutil.rmtree(folder / "tierwise", ignore_errors=True)
        shutil.copytree(
            REPO / "src" / "tierwise",
            folder / "tierwise",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        if code_state() == before:
            if not compileall.compile_dir(folder / "tierwise", quiet=1):
                raise SystemExit(f"the copy of tierwise in {folder} does not compile")
            return before
    raise SystemExit("src/ kept changing while it was copied; try again")


def code_state() -> str:
    """The commit, plus a digest of uncommitted changes under src/ if any.

    Other engineers work in this checkout, so the code a run measures can
    change between runs; comparing this before and after a size tells.
    """
    commit = _git("rev-parse", "--short", "HEAD")
    changed = _git("diff", "HEAD", "--", "src")
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", "src")
    if not changed and not untracked:
        return commit
    digest = hashlib.sha256(changed.encode())
    for name in untracked.splitlines():
        digest.update(name.encode())
        digest.update((REPO / name).read_bytes())
    return f"{commit}+changes-{digest.hexdigest()[:10]}"


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    return done.stdout.strip()
