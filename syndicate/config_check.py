"""What ``pregon check`` says about the ``syndicate`` configuration, before anything is merged.

Every account is validated against its network module's options model (the same validation the
run does), with the line of the offending key in mkdocs.yml. An unset ``!ENV`` variable is only a
warning here: pull requests get no secrets, so the check cannot tell a forgotten secret from a
PR; the run itself reports it as an error of that account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .accounts import AccountError, accounts
from .channels import constructor_message, validated_options
from .channels.options import with_placeholders
from .config import ConfigError, load_config
from .corrections import CORRECTION_OPTION, EXPIRY_OPTION, option_problems


@dataclass(frozen=True)
class ConfigIssue:
    severity: Literal["error", "warning"]
    message: str
    line: int | None = None


def config_issues(path: Path) -> list[ConfigIssue]:
    """Every problem of the ``syndicate`` configuration in ``path`` (mkdocs.yml)."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return [ConfigIssue("error", str(exc), exc.line)]
    issues: list[ConfigIssue] = []
    for key, account in accounts(config):
        if isinstance(account, AccountError):
            raw = config.channels[key]
            issues.append(ConfigIssue("error", account.message, getattr(raw, "key_line", getattr(raw, "line", None))))
            continue
        for unset in account.unset:
            issues.append(
                ConfigIssue(
                    "warning",
                    unset.message(key) + " (en la revisión de un PR es normal: los PR no reciben secretos; "
                    "compruebe que el secreto exista antes de publicar)",
                    unset.line,
                )
            )
        try:
            cls, options = validated_options(account)
        except AccountError as exc:
            if not exc.problems:
                issues.append(ConfigIssue("error", exc.message, account.line_of(exc.key)))
            for option, message in exc.problems:
                issues.append(ConfigIssue("error", f"channels.{key}.{option}: {message}", account.line_of(option)))
            continue
        # What corrections and expiry do must be something this network's API can do.
        for option, message in option_problems(
            cls, getattr(options, CORRECTION_OPTION, "nada"), getattr(options, EXPIRY_OPTION, "nada")
        ):
            issues.append(ConfigIssue("error", f"channels.{key}.{option}: {message}", account.line_of(option)))
        try:
            cls(with_placeholders(dict(account.options), {u.option for u in account.unset}))
        except (KeyError, ValueError, TypeError) as exc:
            issues.append(ConfigIssue("error", constructor_message(exc, account), account.line))
    known = set(config.channels) | {
        str(raw.get("network") or key) for key, raw in config.channels.items() if hasattr(raw, "get")
    }
    for name in config.schedule.channels:
        if name not in known:
            issues.append(
                ConfigIssue(
                    "warning",
                    f"schedule.channels.{name}: no hay ninguna cuenta ni red con ese nombre en channels; "
                    "este horario no se aplica",
                )
            )
    return issues
