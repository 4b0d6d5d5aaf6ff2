"""Mail as a channel of the journey: receiving messages, one interface, three ways.

- :class:`~cxaudit.mail.smtp.SmtpSink`: an SMTP server cxaudit starts on
  127.0.0.1 (the demo shop, tests, sites under development pointed at it);
- :class:`~cxaudit.mail.imap.ImapMailbox`: a real inbox the auditor owns;
- :class:`~cxaudit.mail.mailpit.MailpitMailbox`: the HTTP API of a Mailpit a
  team already runs.

Each is a :class:`~cxaudit.mail.message.Mailbox`; the ``wait_for_email`` step
(:mod:`cxaudit.mail.action`) only knows that interface.
"""

from __future__ import annotations

from cxaudit.mail.message import Mailbox, MailTimeout, Match, Message, parse_message

__all__ = ["MailTimeout", "Mailbox", "Match", "Message", "parse_message"]
