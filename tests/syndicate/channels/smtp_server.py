"""A real SMTP server (aiosmtpd) for the e-mail channel tests: STARTTLS required, AUTH required.

The TLS certificate is made by :func:`make_certificates` with ``cryptography``: a throwaway CA and
a server certificate for ``127.0.0.1``/``localhost`` signed by it, so the client verifies the
server exactly as in production, only trusting this CA (``ca_file``) instead of the system's.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import free_port


def make_certificates(folder: Path) -> dict[str, Path]:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Pregon test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    authenticated_as: str | None

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


class SMTPServer:
    """Context manager running aiosmtpd in its thread; ``port``, ``messages``, ``after_data`` hook.

    ``tls=None`` makes a plain local relay: no STARTTLS offered, no AUTH (as a Postfix on the
    office's own machine)."""

    def __init__(self, tls: dict[str, Path] | None, username: str = "", password: str = ""):
        context = None
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(tls["cert"], tls["key"])
        self.username, self.password = username, password
        self.port = free_port()
        self.messages: list[Delivery] = []
        self.logins: list[tuple[str, bool]] = []
        self.accept_limit: int | None = None
        """Once this many messages are stored, answer DATA with 451 (try again later) instead."""
        self.after_data: Callable[[Delivery], None] | None = None
        """Runs after a message was stored, before the server answers 250 (used to kill the client)."""
        self._lock = threading.Lock()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=context is not None,
            auth_required=context is not None,
            auth_require_tls=True,
            authenticator=self._authenticate if context is not None else None,
        )

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.username
            and data.password.decode() == self.password
        )
        self.logins.append((mechanism, ok))
        # handled=False: aiosmtpd itself answers "535 Authentication credentials invalid".
        return AuthResult(success=ok, handled=False, auth_data=data.login.decode() if ok else None)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.accept_limit is not None and len(self.messages) >= self.accept_limit:
            return "451 4.3.0 Temporary failure, try again later"
        delivery = Delivery(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            envelope.original_content or envelope.content,
            session.auth_data,
        )
        with self._lock:
            self.messages.append(delivery)
        if self.after_data is not None:
            hook, self.after_data = self.after_data, None
            hook(delivery)
        return "250 Message accepted for delivery"

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
