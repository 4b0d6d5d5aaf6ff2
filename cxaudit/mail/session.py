"""The mailbox of this process and the address of each journey run.

A run reads one mailbox: the one the project config names (IMAP, Mailpit),
else the SMTP sink, started on first use and shared by every journey of the
process. Parallel journeys are kept apart by their plus-address, not by
separate mailboxes: a site sends to whatever address the journey typed.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from collections.abc import Mapping

from cxaudit.mail.message import Mailbox
from cxaudit.mail.settings import MailSettings
from cxaudit.mail.smtp import SmtpSink
from cxaudit.spec.variables import Ref, render

#: The variable a journey types into the shop's e-mail field.
ADDRESS_VAR = "mail.address"
#: Environment variable the demo shop and sites under test read to find the sink.
SMTP_ENV = "CXAUDIT_SMTP"

_lock = threading.Lock()
_settings = MailSettings()
_mailbox: Mailbox | None = None
_sink: SmtpSink | None = None


def configure(settings: MailSettings | None, environ: Mapping[str, str] | None = None) -> None:
    """Use ``settings`` for the mailboxes opened from now on (secrets already resolved)."""
    global _settings, _mailbox
    with _lock:
        _settings = resolve_refs(settings or MailSettings(), environ)
        _mailbox = None


def resolve_refs(settings: MailSettings, environ: Mapping[str, str] | None = None) -> MailSettings:
    """``${secret:NAME}`` and ``${env:NAME}`` in the mailbox settings, read from the environment.

    A missing one is left empty: the mailbox then says it cannot log in, and
    the secret's value never reaches a message.
    """
    env = environ if environ is not None else os.environ

    def fill(text: str) -> str:
        def value(ref: Ref) -> str:
            if ref.kind == "var":
                return str(ref)
            found = env.get(ref.name)
            return found if found is not None else (ref.default or "")

        return render(text, value)

    data = settings.model_dump()
    for section in ("imap", "mailpit"):
        if data.get(section):
            data[section] = {
                k: fill(v) if isinstance(v, str) else v for k, v in data[section].items()
            }
    return MailSettings.model_validate(data)


def settings() -> MailSettings:
    return _settings


def shared_sink() -> SmtpSink:
    """The process's SMTP sink, started on first use (the demo passes its address on)."""
    global _sink
    with _lock:
        if _sink is None:
            _sink = SmtpSink(_settings.smtp.host, _settings.smtp.port).start()
        return _sink


def mailbox() -> Mailbox:
    """The mailbox journeys read: the configured one, else the shared SMTP sink."""
    global _mailbox
    if _mailbox is not None:
        return _mailbox
    config = _settings
    box: Mailbox
    if config.imap is not None:
        from cxaudit.mail.imap import ImapMailbox

        i = config.imap
        box = ImapMailbox(
            i.host, i.port, user=i.user, password=i.password, ssl=i.ssl, folder=i.folder
        )
    elif config.mailpit is not None:
        from cxaudit.mail.mailpit import MailpitMailbox

        m = config.mailpit
        box = MailpitMailbox(m.url, user=m.user, password=m.password)
    else:
        box = shared_sink()
    _mailbox = box
    return box


def use(box: Mailbox | None) -> None:
    """Read ``box`` from now on (tests; ``None`` goes back to the config's)."""
    global _mailbox
    _mailbox = box


def _tag(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plus_address(base: str, run_id: str, channel: str, journey: str) -> str:
    """``local+<run-id>-<channel>-<journey>@domain``, at most 64 characters before the @.

    A long tag is cut and ends in a hash of the whole, so two journeys whose
    names start alike still get different addresses.
    """
    local, _, domain = base.partition("@")
    local = local.split("+", 1)[0] or "cx"
    tag = "-".join(t for t in (_tag(run_id), _tag(channel), _tag(journey)) if t)
    room = 64 - len(local) - 1
    if len(tag) > room:
        digest = hashlib.sha1(tag.encode()).hexdigest()[:8]
        tag = tag[: max(1, room - 9)].rstrip("-") + "-" + digest
    return f"{local}+{tag}@{domain or 'cxaudit.test'}"


_PROCESS_TAG = secrets.token_hex(3)
_issued: dict[tuple[str, str, str], int] = {}


def mail_variables(run_id: str, channel: str, journey: str) -> dict[str, str]:
    """The journey's mail variables (``${mail.address}``) for one run on one channel.

    The same journey on the same channel again in one run (``--repeat``, a
    retry) gets ``-2``, ``-3``...: it must not find the earlier run's message.
    Without a run id (one journey from pytest) a per-process tag stands in.
    """
    key = (run_id or _PROCESS_TAG, channel, journey)
    with _lock:
        _issued[key] = count = _issued.get(key, 0) + 1
    name = journey if count == 1 else f"{journey}-{count}"
    return {ADDRESS_VAR: plus_address(_settings.address, key[0], channel, name)}


def smtp_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, int] | None:
    """``CXAUDIT_SMTP=host:port`` as a pair, or None."""
    value = (environ if environ is not None else os.environ).get(SMTP_ENV, "")
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        return None
    return host, int(port)
