"""Outgoing mail: one plain-text message sent with smtplib in a background thread.

Never inside a request's database transaction: callers schedule it with
``uow.after_commit`` (the message goes only if what it announces was committed), and the
thread keeps a slow or dead SMTP server from holding the request. A failure is logged; the
page already told the user to check his mail or ask an administrator.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage

from vcshub.config import Settings

log = logging.getLogger(__name__)


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_server)


def message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


def send(settings: Settings, mail: EmailMessage) -> None:
    """Send ``mail`` now (this thread waits for the SMTP server)."""
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_use_ssl:
        server = smtplib.SMTP_SSL(settings.smtp_server, settings.smtp_port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.smtp_server, settings.smtp_port, timeout=timeout)
    with server:
        if settings.smtp_use_tls and not settings.smtp_use_ssl:
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password)
        server.send_message(mail)


def send_in_background(settings: Settings, mail: EmailMessage) -> threading.Thread:
    def run() -> None:
        try:
            send(settings, mail)
        except (OSError, smtplib.SMTPException):
            log.exception("could not send mail to %s", mail["To"])

    thread = threading.Thread(target=run, name="vcshub-mail", daemon=True)
    thread.start()
    return thread
