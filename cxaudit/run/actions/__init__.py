"""How each action of the journey language is carried out in a browser.

The actions are declared in :mod:`cxaudit.spec.actions` (arguments,
documentation, examples, static checks); here each gets the function that
does it, registered with ``@runs(name)``. The function receives an
:class:`ActionContext` and the validated arguments, with variables already
substituted.
"""

from __future__ import annotations

# Imported for what they register: the email actions and each kind of action below.
from cxaudit.mail import action as _mail_action  # noqa: F401
from cxaudit.run.actions import checking, evidence, forms, navigation  # noqa: F401
from cxaudit.run.actions.base import (
    RUNS,
    SECRET_MARK,
    TRANSIENT_STATUSES,
    ActionContext,
    ActionFn,
    SiteUnreachable,
    StepFailed,
    TransientResponse,
    explain_locator_failure,
    runs,
    seconds,
    substitute,
)
from cxaudit.run.actions.ready import dismiss_consent, page_loaded, wait_for_element

__all__ = [
    "RUNS",
    "SECRET_MARK",
    "TRANSIENT_STATUSES",
    "ActionContext",
    "ActionFn",
    "SiteUnreachable",
    "StepFailed",
    "TransientResponse",
    "dismiss_consent",
    "explain_locator_failure",
    "page_loaded",
    "runs",
    "seconds",
    "substitute",
    "wait_for_element",
]
