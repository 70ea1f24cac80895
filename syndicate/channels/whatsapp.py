"""WhatsApp (Cloud API): an approved template to each opted-in subscriber, once per subscriber.

Configuration (``channels.whatsapp``)::

    whatsapp:
      phone_number_id: "123456789012345"
      access_token: !ENV WHATSAPP_ACCESS_TOKEN
      template_name: comunicado_nuevo       # approved in WhatsApp Manager (category: marketing)
      template_language: es
      header: image                         # the template's header is an image | none
      body_parameters: ["{title}"]          # {{1}}, {{2}}…; or a mapping for named parameters
      button_url_base: https://www.alcaldia.gov.co/   # the URL button's fixed part; {{1}} = the rest
      # subscribers_file: /ruta/privada/suscriptores.yml   # or the variable PREGON_WHATSAPP_SUBSCRIBERS
      sent_log: records/whatsapp/enviados.jsonl    # keyed hashes only, no numbers
      hash_secret_env: PREGON_WHATSAPP_HASH_SECRET

One ``POST /{phone-number-id}/messages`` per subscriber with ``type: template``: the header image
is the release's main image **as published on the portal** (Meta downloads it), the body
parameters come from the release (``{title}``, ``{summary}``, ``{dependencia}``, ``{url}``), and
the URL button's variable suffix is the release's path under ``button_url_base``. Live updates
are not sent (each message is a paid marketing template).

**Subscribers** are personal data: a private YAML/JSON file (or the variable
``PREGON_WHATSAPP_SUBSCRIBERS`` holding the same document), never in a repository::

    suscriptores: ["+57 300 123 4567", "+57 310 765 4321"]   # people who opted in
    bajas: ["+57 315 000 0000"]                              # who asked to stop

Numbers are written with their country code (``country_code`` is added to a bare 10-digit
number). Someone listed in ``bajas``, or whom WhatsApp reported as having stopped marketing
messages (131050), is never sent anything again.

**Exactly once per subscriber.** The Cloud API has no idempotency key: a send whose answer was
lost may or may not have arrived, and sending again could deliver it twice. So for every
subscriber and release the :class:`.sendlog.SendLog` gets an ``intent`` line (fsynced) before the
request and the outcome after it; an ``intent`` without outcome (crash, timeout) is **por
verificar** and never resent automatically — its ``biz_opaque_callback_data`` (the message's own
id) lets the office find it in the status webhooks or WhatsApp Manager. The log keeps an HMAC of
each number (key from ``hash_secret_env``), never the number, so it may live in ``records/``.

Documented errors, per subscriber: 131049 (per-user marketing limit, also US numbers): not
delivered, and nothing more goes to that person for 24 h, as Meta asks; 131050 (stopped marketing
messages): suppressed for good; 131026 (undeliverable: no WhatsApp, old app…): not retried.
Throughput limits (130429, and 131056 for one recipient) stop the run as :class:`RateLimited`
before the message was accepted, so it is retried. Template errors (132000 parameter count,
132001 missing or not approved, 132015 paused, 132016 disabled) and credential errors fail the
channel with what to fix. Several of these codes can also arrive later, only in status webhooks,
which a static portal does not receive: the counts recorded are those of the API's answers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx
import yaml
from pydantic import SecretStr

from pregon.os_errors import reason
from pregon.yaml_es import yaml_reason
from pregon.yaml_limits import safe_load

from ..counting import graphemes
from ..manifest import Item, Update
from ..media import LINK_CARD, best_image
from .base import (
    AccountStats,
    Channel,
    ChannelError,
    NotSupported,
    PermanentError,
    Post,
    Published,
    RateLimited,
    TransientError,
)
from .options import ChannelOptions, parse_options
from .press_lists import inside_repository
from .sendlog import SendLog
from .transport import send

logger = logging.getLogger(__name__)

API_BASE = "https://graph.facebook.com/v25.0"
HEADER_TYPES = ("image/jpeg", "image/png")
PAUSE_AFTER_LIMIT = timedelta(hours=24)
THROUGHPUT_WAIT, PAIR_WAIT = 1.0, 6.0

FINAL = frozenset({"sent", "limited", "opted_out", "undeliverable", "paused", "intent", "uncertain"})
"""States after which a subscriber's message for this release is never sent again
(``intent``/``uncertain``: por verificar)."""
TEMPLATE_ERRORS = {
    132000: "el número de parámetros no coincide con la plantilla aprobada (revise body_parameters y header)",
    132001: "la plantilla no existe en ese idioma o no está aprobada (revise template_name y template_language)",
    132015: "la plantilla está pausada por baja calidad; revísela en WhatsApp Manager",
    132016: "la plantilla fue deshabilitada por baja calidad; cree y apruebe otra",
}
ACCOUNT_ERRORS = {
    368: "la cuenta está bloqueada temporalmente por infringir políticas",
    131031: "la cuenta de WhatsApp Business está bloqueada",
    131042: "hay un problema con el método de pago de la cuenta de WhatsApp Business",
}


class WhatsAppOptions(ChannelOptions):
    phone_number_id: str
    access_token: SecretStr = SecretStr("")
    template_name: str
    template_language: str = "es"
    header: Literal["image", "none"] = "image"
    body_parameters: tuple[str, ...] | dict[str, str] = ("{title}",)
    button_url_base: str | None = None
    button_index: int = 0
    subscribers_file: Path | None = None
    subscribers_env: str = "PREGON_WHATSAPP_SUBSCRIBERS"
    sent_log: Path | None = None
    hash_secret_env: str = "PREGON_WHATSAPP_HASH_SECRET"
    country_code: str = "57"
    timeout: float = 30.0


class WhatsAppChannel(Channel):
    name: ClassVar[str] = "whatsapp"
    options_model = WhatsAppOptions
    read_back_unavailable = "la Cloud API no permite leer un mensaje ya entregado (solo avisa de su estado por webhook)"
    text_limit: ClassVar[int] = 1024
    max_images: ClassVar[int] = 1

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(WhatsAppOptions, self.config, self.name)
        self._http: httpx.Client | None = None

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        o = self.options
        problems: list[str] = []
        components: list[dict[str, Any]] = []
        image = best_image(item.images[0], LINK_CARD) if item.images else None
        if o.header == "image":
            if image is None:
                problems.append("whatsapp: la plantilla lleva una imagen de encabezado y el comunicado no tiene imagen")
            else:
                if image.mime and image.mime not in HEADER_TYPES:
                    problems.append(f"whatsapp: la imagen {image.url} es {image.mime}; el encabezado admite JPEG o PNG")
                components.append({"type": "header", "parameters": [{"type": "image", "image": {"link": image.url}}]})
        fields = {"title": item.title, "summary": item.summary, "dependencia": item.dependencia.name, "url": item.url}
        named = isinstance(o.body_parameters, dict)
        templates = o.body_parameters.items() if isinstance(o.body_parameters, dict) else enumerate(o.body_parameters)
        parameters, shown = [], []
        for name, template in templates:
            try:
                value = _one_line(template.format(**fields))
            except (KeyError, IndexError, ValueError):
                problems.append(f"whatsapp: body_parameters: {template!r} usa un campo desconocido")
                continue
            if not value:
                problems.append(f"whatsapp: el parámetro {name} de la plantilla queda vacío")
            parameter: dict[str, Any] = {"type": "text", "text": value}
            if named:
                parameter["parameter_name"] = name
            parameters.append(parameter)
            shown.append(f"{{{{{name if named else int(name) + 1}}}}} = {value}")
        if parameters:
            components.append({"type": "body", "parameters": parameters})
        if o.button_url_base:
            if item.url.startswith(o.button_url_base) and len(item.url) > len(o.button_url_base):
                suffix = item.url[len(o.button_url_base) :]
                components.append(
                    {
                        "type": "button",
                        "sub_type": "url",
                        "index": str(o.button_index),
                        "parameters": [{"type": "text", "text": suffix}],
                    }
                )
                shown.append(f"botón → {item.url}")
            else:
                problems.append(
                    f"whatsapp: la dirección del comunicado ({item.url}) no empieza por button_url_base "
                    f"({o.button_url_base}), la parte fija del botón de la plantilla"
                )
        text = f"Plantilla «{o.template_name}» ({o.template_language})\n" + "\n".join(shown)
        return self.new_post(
            item,
            update,
            text=text,
            length=graphemes(text),
            limit=self.text_limit,
            link=item.url,
            media=(image,) if image is not None and o.header == "image" else (),
            reply_to=reply_to,
            problems=tuple(problems) if update is None else (),
            skip="WhatsApp solo envía el comunicado, no sus actualizaciones en vivo" if update is not None else None,
            extra={"components": components},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        if post.skip:
            raise NotSupported(f"whatsapp: {post.skip}")
        log = self._log()
        subscribers = self._subscribers(log)
        self._token()  # a missing token must fail before any intent is noted
        now = datetime.now(UTC)
        for number, who in subscribers:
            key = _message_key(post.key, who)
            entry = log.get(key)
            if entry is not None and entry.get("state") in FINAL:
                continue
            paused = log.get(f"pausa:{who}")
            if paused and datetime.fromisoformat(str(paused["until"])) > now:
                log.record(key, state="paused", who=who)
                continue
            log.record(key, state="intent", who=who)
            self._send_one(post, number, who, key, log, now)
        return self._summary(post, subscribers, log)

    def _send_one(self, post: Post, number: str, who: str, key: str, log: SendLog, now: datetime) -> None:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": number,
            "type": "template",
            "template": {
                "name": self.options.template_name,
                "language": {"code": self.options.template_language},
                "components": post.extra["components"],
            },
            "biz_opaque_callback_data": key,
        }
        try:
            response = send(
                self._client(),
                "POST",
                f"{(self.options.api_base or API_BASE).rstrip('/')}/{self.options.phone_number_id}/messages",
                network=self.name,
                json=body,
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except TransientError as exc:
            log.record(key, state="uncertain", who=who)
            raise TransientError(
                f"{exc.message}; ese mensaje queda por verificar (no se reenvía) y se sigue con los demás"
            ) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        messages = answer.get("messages") if isinstance(answer, Mapping) else None
        if response.status_code < 300 and messages:
            log.record(key, state="sent", who=who, wamid=str(messages[0].get("id") or ""))
            return
        code = _error_code(answer)
        if code == 131049:
            log.record(key, state="limited", who=who)
            log.record(f"pausa:{who}", until=(now + PAUSE_AFTER_LIMIT).isoformat(timespec="seconds"))
            return
        if code == 131050:
            log.record(key, state="opted_out", who=who)
            log.record(f"baja:{who}", state="opted_out")
            return
        if code == 131026:
            log.record(key, state="undeliverable", who=who)
            return
        # Everything below was refused before acceptance: this subscriber is sent to next time.
        log.record(key, state="not_sent", who=who)
        raise self._error(response.status_code, code, answer)

    def _error(self, status: int, code: int | None, answer: Any) -> ChannelError:
        shown = f" (código {code})" if code is not None else f" ({status})"
        if code == 130429:
            return RateLimited(
                f"whatsapp: se alcanzó el límite de mensajes por segundo del número{shown}", retry_after=THROUGHPUT_WAIT
            )
        if code == 131056:
            return RateLimited(
                f"whatsapp: demasiados mensajes seguidos al mismo suscriptor{shown}", retry_after=PAIR_WAIT
            )
        if code in TEMPLATE_ERRORS:
            return PermanentError(f"whatsapp: {TEMPLATE_ERRORS[code]}{shown}", status=status)
        if code in ACCOUNT_ERRORS:
            return PermanentError(f"whatsapp: {ACCOUNT_ERRORS[code]}{shown}", status=status)
        if code == 190 or status == 401:
            return PermanentError(
                "whatsapp: Meta rechazó el token de acceso (vencido o revocado); genere uno nuevo (usuario del "
                f"sistema) y actualice la variable de entorno{shown}",
                status=status,
            )
        if status >= 500 and code is None:
            return TransientError(f"whatsapp: error temporal de Meta{shown}", status=status)
        detail = ""
        if isinstance(answer, Mapping) and isinstance(answer.get("error"), Mapping):
            detail = str(answer["error"].get("message") or "").replace(self._token(), "***")
        return PermanentError(
            f"whatsapp: Meta rechazó el mensaje{shown}" + (f": {detail}" if detail else ""), status=status
        )

    def find_existing(self, post: Post) -> Published | None:
        """Done when every active subscriber's message for ``post`` has an outcome (or is por verificar)."""
        log = self._log()
        subscribers = self._subscribers(log)
        if any((log.get(_message_key(post.key, who)) or {}).get("state") not in FINAL for _, who in subscribers):
            return None
        return self._summary(post, subscribers, log)

    def _summary(self, post: Post, subscribers: list[tuple[str, str]], log: SendLog) -> Published:
        """Counts only: the ledger is public."""
        states = [str((log.get(_message_key(post.key, who)) or {}).get("state")) for _, who in subscribers]
        unverified = states.count("intent") + states.count("uncertain")
        if unverified:
            logger.warning("whatsapp: %d mensajes de %s quedaron por verificar", unverified, post.item_id)
        return Published(
            remote_id=f"whatsapp.{post.key}",
            extra={
                "subscribers": len(subscribers),
                "sent": states.count("sent"),
                "limited": states.count("limited") + states.count("paused"),
                "opted_out": states.count("opted_out"),
                "undeliverable": states.count("undeliverable"),
                "por_verificar": unverified,
            },
        )

    def account_stats(self) -> AccountStats:
        """Active subscribers (opted in, not opted out): the list's own count."""
        return AccountStats(followers=len(self._subscribers(self._log())))

    # --- subscribers, log, secrets ---------------------------------------------------------------
    def _subscribers(self, log: SendLog) -> list[tuple[str, str]]:
        """(number, keyed hash) of every active subscriber, once each, in list order."""
        document, where = self._document()
        if not isinstance(document, Mapping) or not isinstance(document.get("suscriptores"), list):
            raise PermanentError(f"whatsapp: {where} debe tener una lista `suscriptores`")
        optouts = document.get("bajas") or []
        if not isinstance(optouts, list):
            raise PermanentError(f"whatsapp: {where}: `bajas` debe ser una lista de números")
        stopped = {self._hash(self._number(entry, where, "bajas", n)) for n, entry in enumerate(optouts, 1)}
        seen: set[str] = set()
        active = []
        for n, entry in enumerate(document["suscriptores"], 1):
            number = self._number(entry, where, "suscriptores", n)
            who = self._hash(number)
            if who in seen or who in stopped or log.get(f"baja:{who}") is not None:
                continue
            seen.add(who)
            active.append((number, who))
        return active

    def _document(self) -> tuple[Any, str]:
        file, variable = self.options.subscribers_file, self.options.subscribers_env
        if file is not None:
            repo = inside_repository(file)
            if repo is not None:
                raise PermanentError(
                    f"whatsapp: el archivo de suscriptores {file} está dentro del repositorio {repo}; "
                    "guárdelo fuera de cualquier repositorio (son datos personales)"
                )
            try:
                text, where = file.read_text(encoding="utf-8"), str(file)
            except OSError as exc:
                raise PermanentError(
                    f"whatsapp: no se puede leer el archivo de suscriptores {file} ({reason(exc)})"
                ) from None
        elif os.environ.get(variable):
            text, where = os.environ[variable], f"la variable de entorno {variable}"
        else:
            raise PermanentError(f"whatsapp: no hay suscriptores; configure subscribers_file o la variable {variable}")
        try:
            return safe_load(text), where
        except yaml.YAMLError as exc:
            raise PermanentError(f"whatsapp: {where} no es YAML ni JSON válido ({yaml_reason(exc)})") from None
        except RecursionError:
            raise PermanentError(f"whatsapp: {where} tiene demasiados niveles anidados") from None

    def _number(self, entry: Any, where: str, list_name: str, position: int) -> str:
        """E.164 digits of one entry; the error names the entry's position, never the number."""
        raw = str(entry) if isinstance(entry, (str, int)) else ""
        international = raw.strip().startswith(("+", "00"))
        digits = re.sub(r"[\s().-]", "", raw).removeprefix("+")
        digits = digits.removeprefix("00") if international else digits
        if not digits.isdigit():
            raise PermanentError(
                f"whatsapp: {where}: la entrada {position} de `{list_name}` no es un número de teléfono"
            )
        if not international and len(digits) <= 10:
            digits = self.options.country_code + digits
        if not 8 <= len(digits) <= 15:
            raise PermanentError(
                f"whatsapp: {where}: la entrada {position} de `{list_name}` no tiene la longitud de un número internacional"
            )
        return digits

    def _hash(self, number: str) -> str:
        secret = os.environ.get(self.options.hash_secret_env, "")
        if not secret:
            raise PermanentError(
                f"whatsapp: falta la variable de entorno {self.options.hash_secret_env} (clave con que el registro "
                "anonimiza los números)"
            )
        return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()[:32]

    def _log(self) -> SendLog:
        path = self.options.sent_log
        if path is None:
            if self.options.subscribers_file is None:
                raise PermanentError(
                    "whatsapp: falta channels.whatsapp.sent_log; sin archivo de suscriptores indique dónde guardar "
                    "el registro de envíos"
                )
            path = self.options.subscribers_file.parent / "pregon-whatsapp-enviados.jsonl"
        return SendLog(path, network=self.name)

    def _token(self) -> str:
        token = self.options.access_token.get_secret_value()
        if not token:
            raise PermanentError("whatsapp: falta `access_token` (defínalo con !ENV y una variable de entorno)")
        return token

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=self.options.timeout, headers={"User-Agent": "pregon"})
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def _message_key(post_key: str, who: str) -> str:
    return f"{post_key}:{who}"


def _one_line(text: str) -> str:
    """Template text parameters may not hold new lines, tabs or runs of spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _error_code(answer: Any) -> int | None:
    error = answer.get("error") if isinstance(answer, Mapping) else None
    code = error.get("code") if isinstance(error, Mapping) else None
    return code if isinstance(code, int) else None
