"""A release as it was at any commit, read from git objects only (never from a checkout).

The approval check runs in privileged CI jobs on the code of the base branch; the pull request's
commits are *data* there: their blobs are read with ``git archive``/``git show`` into a temporary
folder and digested with :func:`pregon.plugins.digest.release_digest`, the same function the
build uses, so "the digest at the review's commit" is exactly what the portal would publish from
that commit. Nothing of the pull request is executed.

A release's media live next to it (``foto.jpg``) or in a folder beside it (``slug/foto.jpg``):
the whole folder of the release is materialised, so every reference inside it resolves as in the
build. Results are cached by the git tree id of that folder (same tree, same digest).
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.problems import ReleaseError

from .changed import GitError

_CO_AUTHOR = re.compile(r"^co-authored-by:\s*(?P<name>.*?)\s*<(?P<email>[^>]+)>\s*$", re.IGNORECASE | re.MULTILINE)
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[A-Za-z0-9-]+)@users\.noreply\.github\.com$", re.IGNORECASE)


@dataclass(frozen=True)
class Version:
    """A release's digest (and its live updates' digests) at one commit."""

    digest: str
    updates: dict[str, str]


@dataclass(frozen=True)
class Person:
    """Someone named in a commit: as author or ``Co-authored-by`` trailer."""

    name: str
    email: str

    @property
    def github_login(self) -> str | None:
        """The login a GitHub no-reply address carries (``123+login@users.noreply.github.com``)."""
        match = _NOREPLY.match(self.email)
        return match.group("login").lower() if match else None


def co_authors(message: str) -> list[Person]:
    """The ``Co-authored-by:`` trailers of a commit message."""
    return [Person(m.group("name"), m.group("email")) for m in _CO_AUTHOR.finditer(message)]


class Repository:
    """Read-only access to the objects of a git repository at ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self._versions: dict[tuple[str, str], Version | None] = {}

    def git(self, *args: str, binary: bool = False) -> bytes:
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args], cwd=self.root, capture_output=True, check=True
            )
        except FileNotFoundError:
            raise GitError("no se encontró git") from None
        except subprocess.CalledProcessError as exc:
            raise GitError(exc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} falló") from None
        return result.stdout

    def lines(self, *args: str) -> list[str]:
        return [line for line in self.git(*args).decode("utf-8", "replace").splitlines() if line]

    def has_commit(self, sha: str) -> bool:
        try:
            self.git("cat-file", "-e", f"{sha}^{{commit}}")
        except GitError:
            return False
        return True

    def fetch(self, *refspecs: str) -> bool:
        """Fetch objects from ``origin`` (a pull request's head, a reviewed commit); False if refused."""
        try:
            self.git("fetch", "--quiet", "--no-tags", "origin", *refspecs)
        except GitError:
            return False
        return True

    def merge_base(self, a: str, b: str) -> str:
        return self.lines("merge-base", a, b)[0]

    def changed_paths(self, base: str, head: str) -> list[str]:
        """Paths added or modified from ``base`` to ``head`` (repository-relative, POSIX)."""
        return self.lines("diff", "--name-only", "--no-renames", "--diff-filter=ACM", base, head)

    def commit_paths(self, sha: str) -> list[str]:
        """Paths a commit changed: all its files for a root commit; for a merge, only the files it
        changed against every parent (a conflict resolution), not what it brought from the other side."""
        return self.lines("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", "--cc", sha)

    def text_at(self, commit: str, path: str) -> str | None:
        try:
            return self.git("show", f"{commit}:{path}").decode("utf-8", "replace")
        except GitError:
            return None

    def _tree(self, commit: str, folder: str) -> str | None:
        try:
            return self.lines("rev-parse", f"{commit}:{folder}" if folder != "." else f"{commit}^{{tree}}")[0]
        except (GitError, IndexError):
            return None

    def version_at(self, commit: str, path: str) -> Version | None:
        """The release at ``path`` as committed in ``commit``; None if absent or unreadable there."""
        folder = PurePosixPath(path).parent.as_posix()
        tree = self._tree(commit, folder)
        if tree is None:
            return None
        key = (tree, PurePosixPath(path).name)
        if key not in self._versions:
            self._versions[key] = self._materialise(commit, folder, path)
        return self._versions[key]

    @contextlib.contextmanager
    def materialised(self, commit: str, folder: str) -> Iterator[Path | None]:
        """A temporary copy of ``folder`` as committed in ``commit``, at its repository-relative
        place under the yielded root (None if git cannot produce it)."""
        try:
            archive = self.git("archive", "--format=tar", commit, "--", folder)
        except GitError:
            yield None
            return
        with tempfile.TemporaryDirectory(prefix="pregon-version-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")  # "data": no links out, no devices, no absolute paths
            yield Path(tmp)

    def _materialise(self, commit: str, folder: str, path: str) -> Version | None:
        with self.materialised(commit, folder) as root:
            release = root / path if root is not None else None
            if release is None or not release.is_file():
                return None
            try:
                return Version(release_digest(release), update_digests(release))
            except ReleaseError:
                return None

    def releases_changed(self, base: str, head: str, releases_root: str) -> list[str]:
        """The releases (``.md`` under ``releases_root``) changed from ``base`` to ``head``, plus the
        releases at ``head`` that use a changed media file (named relative to the release)."""
        return self.releases_touched(self.changed_paths(base, head), head, releases_root)

    def releases_touched(self, paths: list[str], at: str, releases_root: str) -> list[str]:
        root = PurePosixPath(releases_root)
        out: set[str] = set()
        for name in paths:
            p = PurePosixPath(name)
            if root not in p.parents:
                continue
            if p.suffix == ".md":
                if p.name != "index.md":
                    out.add(name)
                continue
            for folder in (p.parent, p.parent.parent):
                if folder != root and root not in folder.parents:
                    continue
                reference = p.relative_to(folder).as_posix()
                for candidate in self.lines("ls-tree", "--name-only", at, f"{folder.as_posix()}/"):
                    if candidate.endswith(".md") and PurePosixPath(candidate).name != "index.md":
                        text = self.text_at(at, candidate) or ""
                        if reference in text:
                            out.add(candidate)
        return sorted(out)
