"""TikTok's Content Posting and Display APIs on the wire: requests, errors, chunks, status.

Docs followed (developers.tiktok.com/doc/…): ``content-posting-api-reference-direct-post``,
``…-upload-video``, ``…-photo-post``, ``…-query-creator-info``, ``…-get-video-status``,
``content-posting-api-media-transfer-guide``, ``tiktok-api-v2-error-handling``,
``display-api-overview`` and ``tiktok-api-v2-get-user-info``. The channel itself is
:mod:`.tiktok`.

* Every call is a ``POST`` (``GET`` for user info) to ``open.tiktokapis.com`` with
  ``Authorization: Bearer <user token>`` and ``Content-Type: application/json; charset=UTF-8``.
* Every answer carries ``error: {code, message, log_id}``; anything but ``code == "ok"`` is a
  failure **even with HTTP 200**: ``spam_risk_too_many_posts``,
  ``spam_risk_user_banned_from_posting`` and ``reached_active_user_cap`` come back that way from
  ``creator_info/query``, on purpose.
* Rate limits are per user token and per minute (creator info 20, init endpoints 6, status 30):
  ``429 rate_limit_exceeded`` becomes :class:`RateLimited`; the wait is ``Retry-After`` when sent,
  else the minute window.
* FILE_UPLOAD chunks go up sequentially as ``PUT {upload_url}`` with ``Content-Range``; 206 means
  "more expected", 201 "all parts uploaded".
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import httpx

from .base import ChannelError, PermanentError, RateLimited, TransientError
from .transport import send

API_BASE = "https://open.tiktokapis.com"
JSON_TYPE = "application/json; charset=UTF-8"
MINUTE = 60.0
DAY_CAP_RETRY = 3600.0
"""The daily caps have no published reset time: try again on an hourly run."""

CREDENTIAL_CODES = frozenset({"access_token_invalid"})
SCOPE_CODES = frozenset({"scope_not_authorized", "scope_permission_missed"})
CAPPED_CODES = {
    "spam_risk_too_many_posts": "la cuenta alcanzó el máximo diario de publicaciones por API",
    "reached_active_user_cap": "la aplicación alcanzó su cupo diario de cuentas que publican",
    "spam_risk_too_many_pending_share": (
        "hay 5 envíos pendientes en la bandeja de entrada de TikTok (el máximo en 24 horas): "
        "termine o descarte los borradores en la aplicación"
    ),
}
REFUSED_CODES = {
    "spam_risk_user_banned_from_posting": "TikTok bloqueó la cuenta para publicar",
    "unaudited_client_can_only_post_to_private_accounts": (
        "la aplicación de TikTok no está auditada y solo puede publicar en cuentas privadas con "
        "privacy_level: SELF_ONLY; solicite la auditoría, o configure privacy_level: SELF_ONLY "
        "(solo la cuenta lo verá) o mode: inbox / fallback: inbox (borrador en la bandeja de entrada)"
    ),
    "url_ownership_unverified": (
        "el dominio o prefijo de URL del portal no está verificado en la aplicación de TikTok "
        "(Developer Portal → URL properties); verifíquelo para que TikTok descargue los archivos"
    ),
    "privacy_level_option_mismatch": "la privacidad pedida no está entre las que ofrece la cuenta",
    "app_version_check_failed": "subir fotos a la bandeja de entrada requiere TikTok 31.8 o posterior en el teléfono",
}

FAIL_REASONS = {
    "file_format_check_failed": "TikTok no acepta el formato del archivo (use MP4 con H.264, WebM o MOV)",
    "duration_check_failed": "la duración del video no cumple las reglas de TikTok",
    "frame_rate_check_failed": "la velocidad de cuadros no es válida (TikTok acepta de 23 a 60 por segundo)",
    "picture_size_check_failed": "el tamaño de imagen no es válido (videos de 360 a 4096 px por lado; fotos hasta 1080p)",
    "internal": "TikTok tuvo una falla interna",
    "video_pull_failed": (
        "TikTok no pudo descargar el video del portal (la URL debe ser pública, https, sin redirecciones "
        "y sin límite de ancho de banda; TikTok corta a la hora)"
    ),
    "photo_pull_failed": (
        "TikTok no pudo descargar las fotos del portal (las URL deben ser públicas, https y sin redirecciones)"
    ),
    "publish_cancelled": "la descarga se canceló",
    "auth_removed": "la cuenta retiró el permiso a la aplicación durante la publicación; autorícela de nuevo",
    "spam_risk_too_many_posts": "la cuenta alcanzó el máximo diario de publicaciones por API",
    "spam_risk_user_banned_from_posting": "TikTok bloqueó la cuenta para publicar",
    "spam_risk_text": "TikTok consideró el texto riesgoso o spam; cámbielo (no se reintenta)",
    "spam_risk": "TikTok consideró la publicación riesgosa (no se reintenta)",
}
RETRYABLE_FAIL_REASONS = frozenset({"internal", "video_pull_failed", "photo_pull_failed"})

IN_PROGRESS = frozenset({"PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD"})


class TikTokRefused(PermanentError):
    """TikTok refused the request; ``code`` is its ``error.code`` (callers fall back on some)."""

    def __init__(self, message: str, *, code: str, status: int | None = None):
        super().__init__(message, status=status)
        self.code = code


@dataclass(frozen=True)
class CreatorInfo:
    username: str
    nickname: str
    privacy_level_options: tuple[str, ...]
    comment_disabled: bool
    duet_disabled: bool
    stitch_disabled: bool
    max_video_post_duration_sec: int | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CreatorInfo:
        duration = data.get("max_video_post_duration_sec")
        return cls(
            username=str(data.get("creator_username") or ""),
            nickname=str(data.get("creator_nickname") or ""),
            privacy_level_options=tuple(str(p) for p in data.get("privacy_level_options") or ()),
            comment_disabled=bool(data.get("comment_disabled")),
            duet_disabled=bool(data.get("duet_disabled")),
            stitch_disabled=bool(data.get("stitch_disabled")),
            max_video_post_duration_sec=int(duration) if isinstance(duration, int) else None,
        )


def api_error(status: int, body: Any, headers: Mapping[str, str], token: str) -> ChannelError:
    """Map one failed TikTok answer (any HTTP status) to the core's errors; Spanish, no secret."""
    error = body.get("error") if isinstance(body, Mapping) else None
    code = str(error.get("code") or "") if isinstance(error, Mapping) else ""
    detail = str(error.get("message") or "") if isinstance(error, Mapping) else ""
    detail = detail.replace(token, "***") if token else detail
    shown = f" ({code})" if code else ""
    if code == "rate_limit_exceeded" or status == 429:
        wait = _seconds(headers.get("retry-after")) or MINUTE
        return RateLimited(
            f"tiktok: TikTok pide esperar: se superó el límite de solicitudes por minuto{shown}",
            retry_after=wait,
            status=status,
        )
    if code in CREDENTIAL_CODES or (status == 401 and code not in SCOPE_CODES):
        return PermanentError(
            "tiktok: TikTok rechazó el token de acceso (vencido o revocado; duran 24 horas): renuévelo con "
            f"el refresh token y actualice la variable de entorno configurada{shown}",
            status=status,
        )
    if code in SCOPE_CODES:
        return PermanentError(
            "tiktok: la autorización de la cuenta no incluye el permiso que pide esta operación "
            f"(video.publish, video.upload, video.list o user.info.stats){shown}; autorice de nuevo con ese permiso",
            status=status,
        )
    if code in CAPPED_CODES:
        return RateLimited(f"tiktok: {CAPPED_CODES[code]}{shown}", retry_after=DAY_CAP_RETRY, status=status)
    if code in REFUSED_CODES:
        return TikTokRefused(f"tiktok: {REFUSED_CODES[code]}{shown}", code=code, status=status)
    if status >= 500 or code == "internal_error":
        return TransientError(f"tiktok: error temporal de TikTok ({status}){shown}", status=status)
    return TikTokRefused(
        f"tiktok: TikTok rechazó la solicitud ({status}){shown}" + (f": {detail}" if detail else ""),
        code=code,
        status=status,
    )


def fail_reason_error(reason: str, publish_id: str) -> ChannelError:
    """The error for a publish that ended ``FAILED`` (it surely does not exist on TikTok)."""
    text = FAIL_REASONS.get(reason, f"TikTok no publicó el contenido ({reason or 'sin motivo'})")
    message = f"tiktok: {text} (publish_id {publish_id})"
    if reason in RETRYABLE_FAIL_REASONS:
        return TransientError(message + "; se reintentará")
    if reason == "spam_risk_too_many_posts":
        return RateLimited(message, retry_after=DAY_CAP_RETRY)
    return TikTokRefused(message, code=reason)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


class TikTokAPI:
    """One user token's client: JSON calls, error mapping, chunked upload, status polling."""

    def __init__(
        self,
        api_base: str,
        token: str,
        *,
        timeout: float = 60.0,
        poll_interval: float = 5.0,
        poll_attempts: int = 60,
    ):
        self.api_base = api_base.rstrip("/")
        self._token = token
        self.poll_interval = poll_interval
        self.poll_attempts = poll_attempts
        self._http = httpx.Client(timeout=timeout, headers={"User-Agent": "pregon"})

    def close(self) -> None:
        self._http.close()

    # --- calls -------------------------------------------------------------------------------
    def call(self, path: str, body: Mapping[str, Any] | None = None, *, fields: str | None = None) -> dict[str, Any]:
        """POST ``body`` as JSON to ``path``; return ``data`` (raise unless ``error.code`` is ``ok``)."""
        return self._request("POST", path, json=dict(body or {}), params={"fields": fields} if fields else None)

    def get(self, path: str, *, fields: str) -> dict[str, Any]:
        return self._request("GET", path, params={"fields": fields})

    def _request(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}"}
        if method == "POST":
            headers["Content-Type"] = JSON_TYPE
            kw["content"] = json.dumps(kw.pop("json"), ensure_ascii=False).encode("utf-8")
        if kw.get("params") is None:
            kw.pop("params", None)
        response = send(
            self._http, method, f"{self.api_base}/{path.lstrip('/')}", network="tiktok", headers=headers, **kw
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, Mapping) else None
        ok = isinstance(error, Mapping) and error.get("code") == "ok"
        if response.status_code >= 400 or not ok:
            raise api_error(response.status_code, body, response.headers, self._token)
        data = body.get("data") if isinstance(body, Mapping) else None
        return dict(data) if isinstance(data, Mapping) else {}

    def creator_info(self) -> CreatorInfo:
        return CreatorInfo.from_data(self.call("v2/post/publish/creator_info/query/"))

    # --- FILE_UPLOAD ---------------------------------------------------------------------------
    def upload_chunks(self, upload_url: str, handle: IO[bytes], size: int, chunk_size: int, mime: str) -> None:
        """PUT the file in ``size // chunk_size`` sequential chunks (the last takes the remainder)."""
        count = size // chunk_size
        for index in range(count):
            first = index * chunk_size
            last = size - 1 if index == count - 1 else first + chunk_size - 1
            handle.seek(first)
            data = handle.read(last - first + 1)
            headers = {
                "Content-Type": mime,
                "Content-Length": str(len(data)),
                "Content-Range": f"bytes {first}-{last}/{size}",
            }
            response = send(self._http, "PUT", upload_url, network="tiktok", headers=headers, content=data)
            if response.status_code == (201 if index == count - 1 else 206):
                continue
            if response.status_code >= 500:
                raise TransientError(
                    f"tiktok: TikTok no recibió la parte {index + 1} de {count} ({response.status_code})"
                )
            if response.status_code == 403:
                raise TransientError("tiktok: la dirección de subida de TikTok venció (dura una hora); se reintentará")
            raise PermanentError(
                f"tiktok: TikTok rechazó la parte {index + 1} de {count} del video ({response.status_code})",
                status=response.status_code,
            )

    # --- status --------------------------------------------------------------------------------
    def status(self, publish_id: str) -> dict[str, Any]:
        return self.call("v2/post/publish/status/fetch/", {"publish_id": publish_id})

    def wait_for(self, publish_id: str, done: frozenset[str]) -> dict[str, Any]:
        """Poll ``status/fetch`` until a status in ``done``; ``FAILED`` raises with its reason."""
        for attempt in range(self.poll_attempts):
            data = self.status(publish_id)
            state = str(data.get("status") or "")
            if state in done:
                return data
            if state == "FAILED":
                raise fail_reason_error(str(data.get("fail_reason") or ""), publish_id)
            if attempt + 1 < self.poll_attempts:
                time.sleep(self.poll_interval)
        raise TransientError(
            f"tiktok: TikTok sigue procesando la publicación (publish_id {publish_id}) tras "
            f"{self.poll_attempts} consultas; se comprobará de nuevo sin volver a enviarla"
        )
