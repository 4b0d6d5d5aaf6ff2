"""The ``mail:`` section of cxaudit.yaml: which mailbox journeys read, and their address."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImapSettings(_Section):
    host: str = Field(description="IMAP server.")
    port: int | None = Field(default=None, description="Port (default 993 with ssl, else 143).")
    user: str = Field(description="Login.")
    password: str = Field(
        default="", description="Password: write ${secret:NAME} and set NAME in the environment."
    )
    ssl: bool = Field(default=True, description="TLS from the start (IMAPS).")
    folder: str = Field(default="INBOX", description="Folder the site's mail lands in.")


class MailpitSettings(_Section):
    url: str = Field(description="Mailpit's web address, e.g. http://127.0.0.1:8025.")
    user: str = Field(default="", description="Basic-auth user, if Mailpit asks for one.")
    password: str = Field(default="", description="Basic-auth password (${secret:NAME}).")


class SmtpSettings(_Section):
    host: str = Field(default="127.0.0.1", description="Address the SMTP sink listens on.")
    port: int = Field(
        default=0, ge=0, le=65535, description="Port of the SMTP sink (0: a free one)."
    )


class MailSettings(_Section):
    """Where ``wait_for_email`` reads mail: the built-in SMTP sink unless imap or mailpit is set."""

    address: str = Field(
        default="cx@cxaudit.test",
        description="Base address; each run and channel gets a plus-address of it "
        "(cx+<run-id>-<channel>-<journey>@cxaudit.test) as ${mail.address}.",
    )
    smtp: SmtpSettings = Field(default_factory=SmtpSettings, description="The built-in SMTP sink.")
    imap: ImapSettings | None = Field(default=None, description="An IMAP inbox to read instead.")
    mailpit: MailpitSettings | None = Field(default=None, description="A Mailpit to read instead.")
