"""Outgoing mail: one plain-text message sent with smtplib.

Never inside a request: services queue the task ``mail.send`` (services/tasks.py
``send_mail``), which leaves once what it announces is committed and runs here in a
background runner, so a slow or dead SMTP server holds up no request. A failure is on the
task's record (`vcshub status`); the page already told the user to check his mail or ask an
administrator.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
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
