"""Sends rendered notices over SMTP (stdlib `smtplib`): a text part and its HTML
alternative, from ``COLLEDGER_SMTP_FROM`` through ``COLLEDGER_SMTP_HOST:PORT``."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from ledger.notices.delivery import DeliveryFailed
from ledger.notices.rendering import Message


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def send(self, to: str, message: Message) -> None:
        mail = EmailMessage()
        mail["Subject"], mail["From"], mail["To"] = message.subject, self.sender, to
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"smtp {self.host}:{self.port}: {error}") from error
