"""services/site_configuration.py: the machine's settings as the admin pages show them (the
SMTP password never, only whether it is set), and the test e-mail, delivered for real to a
small SMTP server run by the test."""

from __future__ import annotations

import dataclasses
import socketserver
import threading

import pytest

from tests.factories import people
from vcshub.services import site_configuration
from vcshub.services.errors import AccessDenied, Invalid, MailNotConfigured
from vcshub.tasks.embedded import EmbeddedRunner
from vcshub.tasks.execute import TaskExecutor


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to hand over one message."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.messages.append(body.decode())
                self.server.arrived.set()
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 sink\r\n")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.daemon_threads = True
    server.messages = []
    server.arrived = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_email_rows_say_a_password_is_set_but_never_show_it(uow):
    admin = people.caller(uow, people.admin(uow))
    uow.settings = dataclasses.replace(uow.settings, smtp_server="mail.example.com",
                                       smtp_password="hunter2-secret")
    rows = {row.key: row.value for row in site_configuration.email_rows(uow, admin)}
    assert rows["smtp_server"] == "mail.example.com"
    assert rows["smtp_password"] == "set"
    every = [str(v) for row in site_configuration.email_rows(uow, admin)
             for v in dataclasses.astuple(row)]
    assert not any("hunter2" in value for value in every)


def test_only_super_admins_read_the_configuration(uow):
    someone = people.caller(uow, people.user(uow))
    for rows in (site_configuration.global_rows, site_configuration.vcs_rows,
                 site_configuration.email_rows):
        with pytest.raises(AccessDenied):
            rows(uow, someone)


def test_a_test_mail_reaches_the_smtp_server_after_commit(uow, service_env, smtp_sink):
    """The mail is a background task (services/tasks.py), told to the runner at commit."""
    admin = people.caller(uow, people.admin(uow))
    uow.settings = dataclasses.replace(uow.settings, smtp_server="127.0.0.1",
                                       smtp_port=smtp_sink.server_address[1],
                                       smtp_from="hub@example.com")
    runner = EmbeddedRunner(TaskExecutor(service_env[1], uow.settings, "web"), 1)
    runner.start()
    try:
        assert site_configuration.send_test_mail(uow, admin, " Ops@Example.com ") == \
            "ops@example.com"
        assert not smtp_sink.arrived.wait(0.3)  # nothing leaves before the commit
        uow.commit()
        assert smtp_sink.arrived.wait(10)
    finally:
        runner.stop(wait=True)
    [message] = smtp_sink.messages
    assert "To: ops@example.com" in message and "From: hub@example.com" in message
    assert "vcshub test e-mail" in message


def test_a_test_mail_is_refused_without_smtp_or_with_a_bad_address(uow):
    admin = people.caller(uow, people.admin(uow))
    with pytest.raises(MailNotConfigured):
        site_configuration.send_test_mail(uow, admin, "ops@example.com")
    uow.settings = dataclasses.replace(uow.settings, smtp_server="127.0.0.1", smtp_port=1)
    for bad in ("no-at-sign", "", None, ["a@b"]):
        with pytest.raises(Invalid):
            site_configuration.send_test_mail(uow, admin, bad)
