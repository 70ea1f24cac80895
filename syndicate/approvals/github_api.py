"""The few GitHub REST calls Pregón makes, with GitHub's documented failure signals in Spanish.

Lists are followed through the ``Link: <…>; rel="next"`` header ("Using pagination in the REST
API"). A rate limit (403/429 with ``x-ratelimit-remaining: 0`` or ``retry-after``, "Rate limits for
the REST API") or a network failure raises :class:`ApprovalUnavailable` (try again on the next
run); a refused token (401) raises :class:`TokenRefused`. The token goes only in the Authorization
header and is never part of a message. A token with an expiry date (fine-grained or classic PAT)
is announced by GitHub in ``github-authentication-token-expiration``; :attr:`GitHubClient.expires`
keeps it so the office can be warned before it stops working.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from .base import ApprovalUnavailable

API_VERSION = "2022-11-28"


class TokenRefused(ApprovalUnavailable):
    """GitHub refused the token (expired, revoked or mistyped): nothing can be checked with it."""


class GitHubClient:
    def __init__(self, api_base: str, token: str | None, client: httpx.Client | None = None):
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = client or httpx.Client(base_url=api_base.rstrip("/"), headers=headers, timeout=30.0)
        self.expires: datetime | None = None

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ApprovalUnavailable(
                f"GitHub no responde ({exc.__class__.__name__}); se intentará en la próxima ejecución"
            ) from None
        self._note_expiry(response)
        if response.status_code == 401:
            raise TokenRefused(
                "GitHub rechazó el token (401: vencido, revocado o mal copiado); renuévelo en los secretos del repositorio"
            )
        _raise_for_limits(response)
        return response

    def _note_expiry(self, response: httpx.Response) -> None:
        value = response.headers.get("github-authentication-token-expiration")
        if not value:
            return
        for fmt in ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z"):
            try:
                self.expires = datetime.strptime(value, fmt).replace(tzinfo=UTC)
                return
            except ValueError:
                continue

    def get(self, path: str) -> Any | None:
        """One resource; None when GitHub answers 404."""
        response = self._send("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ApprovalUnavailable(f"GitHub respondió {response.status_code} para {path}")
        return response.json()

    def get_all(self, path: str) -> list[Any]:
        """Every element of a paginated list endpoint."""
        out: list[Any] = []
        url: str | None = path
        params: dict[str, Any] | None = {"per_page": 100}
        while url:
            response = self._send("GET", url, params=params)
            if response.status_code == 404:
                raise ApprovalUnavailable(
                    f"GitHub respondió 404 para {path}: revise el repositorio configurado y que el token pueda leerlo"
                )
            if response.status_code != 200:
                raise ApprovalUnavailable(f"GitHub respondió {response.status_code} para {path}")
            out.extend(response.json())
            url = response.links.get("next", {}).get("url")
            params = None  # the next link already carries them
        return out

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self._send("POST", path, json=body)


def _raise_for_limits(response: httpx.Response) -> None:
    if response.status_code not in (403, 429):
        return
    remaining = response.headers.get("x-ratelimit-remaining")
    retry_after = response.headers.get("retry-after")
    if remaining == "0" or retry_after is not None or response.status_code == 429:
        if retry_after is not None:
            when = f"pide esperar {retry_after} s"
        elif response.headers.get("x-ratelimit-reset", "").isdigit():
            reset = datetime.fromtimestamp(int(response.headers["x-ratelimit-reset"]), UTC)
            when = f"el límite se renueva a las {reset:%H:%M} UTC"
        else:
            when = "límite de consultas alcanzado"
        raise ApprovalUnavailable(f"GitHub limitó las consultas ({when}); se intentará en la próxima ejecución")


def is_bot(user: dict[str, Any] | None) -> bool:
    """A GitHub App or the Actions bot: ``type: Bot`` or a login ending in ``[bot]``."""
    if not user:
        return True  # a deleted account ("ghost") cannot be held responsible for an approval
    return user.get("type") == "Bot" or str(user.get("login", "")).lower().endswith("[bot]")


class TeamUnreadable(ApprovalUnavailable):
    """The token cannot read an organisation's teams (the workflow's GITHUB_TOKEN never can)."""


TEAM_TOKEN_HELP = (
    "el GITHUB_TOKEN de los flujos de trabajo no puede leer equipos de la organización; cree una GitHub App "
    "con el permiso «Organization → Members: read», instálela en la organización y pase su token "
    "(actions/create-github-app-token) en la variable PREGON_GITHUB_TOKEN; o use solo usuarios en la lista"
)


def team_member(client: GitHubClient, team: str, login: str) -> bool:
    """Whether ``login`` is an active member of ``org/slug`` (``GET /orgs/{org}/teams/{slug}/memberships/{user}``).

    GitHub answers 404 both for "not a member" and for "this token cannot see the team"; the team
    itself (``GET /orgs/{org}/teams/{slug}``) tells them apart.
    """
    org, slug = team.split("/", 1)
    membership = _team_get(client, f"/orgs/{org}/teams/{slug}/memberships/{login}", team)
    if membership is not None:
        return membership.get("state") == "active"
    if _team_get(client, f"/orgs/{org}/teams/{slug}", team) is None:
        raise TeamUnreadable(
            f"no se puede leer el equipo {team}: no existe o el token no tiene permiso; {TEAM_TOKEN_HELP}"
        )
    return False


def _team_get(client: GitHubClient, path: str, team: str) -> Any | None:
    try:
        return client.get(path)
    except ApprovalUnavailable as exc:
        if " 403 " in f"{exc} ":
            raise TeamUnreadable(f"no se puede leer el equipo {team} (403); {TEAM_TOKEN_HELP}") from None
        raise
