"""The records branch: ``records/`` as a git worktree of a branch of its own, pushed as runs go.

An office protects ``main``; the workflow token cannot bypass that (and should not). What CI
writes — ledger, run journal, decisions, the e-mail sent log, metrics — therefore lives on a
dedicated, unprotected branch (``pregon-registros`` unless ``syndicate.records_branch`` says
otherwise), checked out as a git worktree *at* the records folder, so every reader and writer
keeps using ``records/…`` paths unchanged.

* :func:`prepare` (``pregon registros preparar``) checks the branch out there. The first time it
  creates it as an orphan branch whose first commit is exactly what ``main`` has in ``records/``;
  afterwards it adds, line by line, what ``main`` gained since (approvals recorded in pull
  requests with ``pregon approve``).
* :class:`GitRecords` commits and pushes (:meth:`GitRecords.make_durable`). A push refused as
  non-fast-forward (a collect job pushed meanwhile) is retried after fetching and merging; JSON
  Lines files merge by union of lines (:mod:`records_merge`, named in the branch's
  ``.gitattributes``), so concurrent jobs never lose each other's lines. A torn last line is
  quarantined before every commit (:func:`jsonlines.repair_folder`), so it is never merged.
* Authentication is whatever the checkout has (``actions/checkout`` leaves the workflow token
  configured) or, on GitLab, a project access token in ``PREGON_RECORDS_TOKEN``, sent as an HTTP
  header through git's environment configuration — never in a URL, an argument or a message.

Nothing here rewrites history: commits are only added, and merges keep both parents.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .durability import Durability, DurabilityError, LocalOnly
from .jsonlines import repair_folder

DEFAULT_BRANCH = "pregon-registros"
REMOTE_ENV = "PREGON_RECORDS_REMOTE"
TOKEN_ENV = "PREGON_RECORDS_TOKEN"
PUSH_ATTEMPTS = 5
_FETCHED = "refs/pregon/registros-remotos"
MERGE_DRIVER = "pregon-lineas"
ATTRIBUTES = f"*.jsonl merge={MERGE_DRIVER}\n"
# The run lock and the quarantine of torn lines are machine-local, never shared.
IGNORED = ".lock\n"


class RecordsGitError(DurabilityError):
    """A git step on the records branch failed; the message is Spanish and carries no secret."""


@dataclass(frozen=True)
class Remote:
    """Where the records branch is pushed: a remote name or URL, and an optional token."""

    target: str = "origin"
    token: str | None = None

    @classmethod
    def from_environment(cls) -> Remote:
        return cls(os.environ.get(REMOTE_ENV) or "origin", os.environ.get(TOKEN_ENV) or None)


def _git(cwd: Path, *args: str, remote: Remote | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    settings: list[tuple[str, str]] = [
        (f"merge.{MERGE_DRIVER}.name", "union de líneas JSON (Pregón)"),
        (f"merge.{MERGE_DRIVER}.driver", f'"{sys.executable}" -m pregon.syndicate.records_merge %O %A %B'),
    ]
    if remote is not None and remote.token:
        basic = base64.b64encode(f"pregon-bot:{remote.token}".encode()).decode()
        settings.append(("http.extraHeader", f"Authorization: Basic {basic}"))
    # Through the environment (git >= 2.31), so a token never appears in a process listing.
    start = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    for offset, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{start + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{start + offset}"] = value
    env["GIT_CONFIG_COUNT"] = str(start + len(settings))
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RecordsGitError(f"git {args[0]} falló: {_clean(result.stderr or result.stdout, remote)}")
    return result


def _clean(text: str, remote: Remote | None) -> str:
    """Git's own words, shortened, without credentials (a URL's user:password@, the token)."""
    text = re.sub(r"(\w+://)[^/@\s]+@", r"\1***@", text)
    if remote is not None and remote.token:
        text = text.replace(remote.token, "***")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("hint:")]
    return " / ".join(lines[-3:]) or "sin detalle"


def _identity(cwd: Path) -> list[str]:
    """Commit as the configured identity, or as Pregón when the machine has none (fresh runner)."""
    if _git(cwd, "config", "user.email", check=False).stdout.strip():
        return []
    return ["-c", "user.name=Pregón", "-c", "user.email=pregon@users.noreply.invalid"]


def current_branch(records: Path) -> str | None:
    """The branch checked out at ``records`` when it is a git checkout of its own, else None."""
    if not (records / ".git").exists():
        return None
    result = _git(records, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def durability_for(records: Path, branch: str) -> Durability:
    """:class:`GitRecords` when ``records`` is a checkout of ``branch``; :class:`LocalOnly` otherwise."""
    if current_branch(records) == branch:
        return GitRecords(records, branch, Remote.from_environment())
    return LocalOnly()


class GitRecords:
    """Commit and push the records worktree (see the module docstring)."""

    def __init__(self, records: Path, branch: str, remote: Remote):
        self.records = records
        self.branch = branch
        self.remote = remote
        self.pushes = 0
        self._pending = False  # commits made here and not pushed yet

    @property
    def description(self) -> str:
        return f"rama de registros {self.branch}"

    def make_durable(self, reason: str) -> None:
        """Commit everything that changed (``reason`` in the message) and push it; nothing to do
        (no new commit, none left unpushed) costs no network round trip."""
        if self.commit(f"Registros: {reason}") or self._pending:
            self.push()

    def commit(self, message: str) -> bool:
        """Quarantine torn last lines, then commit all changes; False when there was nothing."""
        repair_folder(self.records)
        _git(self.records, "add", "-A", ".")
        if _git(self.records, "diff", "--cached", "--quiet", check=False).returncode == 0:
            return False
        _git(self.records, *_identity(self.records), "commit", "-q", "--no-verify", "-m", message)
        self._pending = True
        return True

    def push(self) -> None:
        """Push ``HEAD`` to the branch, merging what others pushed meanwhile (line union)."""
        for _ in range(PUSH_ATTEMPTS):
            result = _git(
                self.records,
                "push",
                "--porcelain",
                self.remote.target,
                f"HEAD:refs/heads/{self.branch}",
                remote=self.remote,
                check=False,
            )
            if result.returncode == 0:
                self.pushes += 1
                self._pending = False
                return
            output = result.stdout + result.stderr
            if not re.search(r"\[rejected\]|non-fast-forward|fetch first", output):
                raise RecordsGitError(
                    f"no se pudieron subir los registros a la rama {self.branch}: {_clean(output, self.remote)}"
                )
            self._merge_remote()
        raise RecordsGitError(
            f"no se pudieron subir los registros a la rama {self.branch} tras {PUSH_ATTEMPTS} intentos "
            "(otros trabajos escriben a la vez); quedan guardados en este equipo"
        )

    def fetch(self) -> bool:
        """Fetch the remote branch into a private ref; False when it does not exist yet."""
        result = _git(
            self.records,
            "fetch",
            "-q",
            self.remote.target,
            f"+refs/heads/{self.branch}:{_FETCHED}",
            remote=self.remote,
            check=False,
        )
        if result.returncode == 0:
            return True
        if "couldn't find remote ref" in result.stderr.lower():
            return False
        raise RecordsGitError(
            f"no se pudo leer la rama de registros {self.branch}: {_clean(result.stderr, self.remote)}"
        )

    def _merge_remote(self) -> None:
        if not self.fetch():
            return
        result = _git(
            self.records,
            *_identity(self.records),
            "merge",
            "-q",
            "--no-edit",
            "--allow-unrelated-histories",
            "-m",
            f"Registros: une lo que otro trabajo subió a {self.branch}",
            _FETCHED,
            check=False,
        )
        if result.returncode != 0:
            _git(self.records, "merge", "--abort", check=False)
            raise RecordsGitError(
                f"los registros locales no se pudieron unir con los de la rama {self.branch} "
                f"({_clean(result.stdout + result.stderr, None)}); revise a mano, no se perdió nada"
            )


def prepare(records: Path, branch: str, remote: Remote) -> list[str]:
    """Check ``branch`` out as a worktree at ``records`` (creating it on first use); Spanish notes."""
    records = records.resolve()
    notes: list[str] = []
    if current_branch(records) == branch:
        store = GitRecords(records, branch, remote)
        if store.fetch():
            store._merge_remote()
        notes.append(f"{records}: ya era la rama {branch}; actualizada")
        return notes
    top = _git(records.parent, "rev-parse", "--show-toplevel").stdout.strip()
    repo = Path(top)
    relative = records.relative_to(repo).as_posix() if records.is_relative_to(repo) else None
    if relative is None:
        raise RecordsGitError(f"{records} no está dentro del repositorio {repo}")
    if _git(repo, "status", "--porcelain", "--", relative).stdout.strip():
        raise RecordsGitError(
            f"{relative}/ tiene cambios sin guardar en esta copia; guárdelos o descártelos antes de "
            f"preparar la rama {branch} (no se tocó nada)"
        )
    probe = GitRecords(repo, branch, remote)
    exists = probe.fetch()
    if exists:
        start = _FETCHED
        notes.append(f"rama {branch} traída de {_clean(remote.target, remote)}")
    else:
        tree = _git(repo, "rev-parse", "--verify", "--quiet", f"HEAD:{relative}", check=False).stdout.strip()
        if not tree:
            tree = _git(repo, "hash-object", "-t", "tree", "--stdin", "-w").stdout.strip()
        start = _git(
            repo,
            *_identity(repo),
            "commit-tree",
            tree,
            "-m",
            f"Registros de Pregón: rama {branch} creada con lo que main tenía en {relative}/",
        ).stdout.strip()
        notes.append(f"rama {branch} creada (huérfana) con lo que main tenía en {relative}/")
    if records.exists():
        shutil.rmtree(records)  # clean and tracked by main (checked above): nothing is lost
    _git(repo, "worktree", "prune")  # a records folder a runner's clean-up deleted is forgotten
    _git(repo, "worktree", "add", "-q", "-B", branch, str(records), start)
    store = GitRecords(records, branch, remote)
    for name, content in ((".gitattributes", ATTRIBUTES), (".gitignore", IGNORED)):
        path = records / name
        if not path.exists() or content not in path.read_text(encoding="utf-8"):
            with path.open("a", encoding="utf-8") as handle:
                handle.write(content)
    added = _add_from_main(repo, relative, records)
    if added:
        notes.append(f"{added} líneas o archivos nuevos de main añadidos a la rama")
    if store.commit(f"Registros: prepara la rama {branch}") or not exists:
        store.push()
    return notes


def _add_from_main(repo: Path, relative: str, records: Path) -> int:
    """Add to the worktree what ``main``'s ``records/`` has and the branch lacks: missing files,
    and missing lines of JSON Lines files (appended, never reordered). Returns how many."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", f"{relative}/", check=False).stdout
    added = 0
    for name in filter(None, listing.split("\0")):
        inside = records / name[len(relative) + 1 :]
        data = subprocess.run(["git", "show", f"HEAD:{name}"], cwd=repo, capture_output=True, check=True).stdout
        if not inside.exists():
            inside.parent.mkdir(parents=True, exist_ok=True)
            inside.write_bytes(data)
            added += 1
        elif name.endswith(".jsonl"):
            have = set(inside.read_bytes().splitlines())
            missing = [line for line in data.splitlines() if line.strip() and line not in have]
            if missing:
                current = inside.read_bytes()
                prefix = b"" if not current or current.endswith(b"\n") else b"\n"
                with inside.open("ab") as handle:
                    handle.write(prefix + b"".join(line + b"\n" for line in missing))
                added += len(missing)
    return added
