"""The shape of journey and fragment files, as pydantic models.

These models are the trust boundary for hand-written YAML: they validate
what an author wrote, give the JSON Schema (``cxaudit schema``) and the
reference (docs/journeys.md) their field names and descriptions. Steps are
validated by their actions (:mod:`cxaudit.spec.actions`), so here a step is any
value and the loader takes over.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cxaudit.spec.budgets import Budget
from cxaudit.spec.locators import Locator
from cxaudit.spec.variables import NAME, scalar_text

Scalar = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: One budget model for config, journeys and steps: the one the checks judge with.
Budgets = Budget


class AuditOptions(_Strict):
    """A step's own audit settings (the mapping form of ``audit:``)."""

    skip: bool | None = Field(
        default=None, description="true: do not audit after this step; false: audit it anyway."
    )
    disable: list[str] = Field(
        default_factory=list,
        description="Checks (code or slug) or axe-core rule ids not to apply to this step.",
    )
    budget: Budgets | None = Field(default=None, description="Budgets for this step only.")

    def overrides(self) -> dict[str, Any]:
        """What checks read from the step result (``StepResult.overrides``)."""
        out: dict[str, Any] = {}
        if self.disable:
            out["disable"] = list(self.disable)
        if self.budget is not None and self.budget.as_rules():
            out["budget"] = self.budget.as_rules()
        return out


#: When a page counts as loaded (Playwright's load states).
WaitUntil = Literal["load", "domcontentloaded", "networkidle", "commit"]
#: The severities of a finding, worst first: what a soft check may say, what
#: thresholds fail on. (Notes cxaudit writes itself are "info", below them all.)
SEVERITIES = ("critical", "serious", "moderate", "minor")
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
#: An HTML attribute name, as ``test_id_attribute`` takes one.
TEST_ID_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def check_test_id_attribute(value: str | None) -> str | None:
    """A test-id attribute name, or a plain-language error."""
    if value is not None and not TEST_ID_ATTRIBUTE.match(value):
        raise ValueError(
            f"{value!r} is not an attribute name: write one such as data-testid, "
            "data-test, data-qa or data-cy"
        )
    return value


class StepOptions(_Strict):
    """Keys any step may carry beside its action."""

    name: str | None = Field(default=None, description="What reports call the step.")
    timeout: float | None = Field(
        default=None, gt=0, description="Milliseconds the step may wait (default: --timeout)."
    )
    optional: bool = Field(
        default=False,
        description="A step that may not be possible (a banner that may not show): "
        "if it fails, the journey goes on.",
    )
    audit: bool | AuditOptions | None = Field(
        default=None,
        description="false: do not audit after this step; true: audit even if it "
        "does not change the page; or {skip, disable, budget}.",
    )
    soft: bool | None = Field(
        default=None,
        description="On a check step (expect, capture): a failed check is a finding "
        "(of `severity`) and the journey goes on; default: the journey's `soft_checks`.",
    )
    severity: Severity = Field(
        default="serious", description="With `soft`: the severity of the finding it records."
    )
    wait_until: WaitUntil | None = Field(
        default=None,
        description="When the page counts as loaded after this step (default: the "
        "journey's `wait_until`, else load); `commit` does not wait for the page at all.",
    )
    wait_for: Locator | None = Field(
        default=None,
        description="After the action, wait until this element is visible (within the "
        "step's timeout): for pages whose load event comes late or means nothing.",
    )


#: Cookie banners of common consent platforms: the accept button and the banner.
CONSENT_PRESETS: dict[str, tuple[Locator, Locator]] = {
    "onetrust": (
        Locator(css="#onetrust-accept-btn-handler"),
        Locator(css="#onetrust-banner-sdk"),
    ),
    "cookiebot": (
        Locator(
            css="#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, "
            "#CybotCookiebotDialogBodyButtonAccept"
        ),
        Locator(css="#CybotCookiebotDialog"),
    ),
}


#: What ``consent:`` may ask of any platform's banner, through autoconsent.
CONSENT_ACTIONS = ("accept", "reject", "none")


class ConsentConfig(_Strict):
    """How to answer the site's cookie banner before the journey."""

    action: Literal["accept", "reject", "none"] | None = Field(
        default=None,
        description="Any consent platform autoconsent knows: accept all, reject all, "
        "or leave the banner (none); the banner is audited either way.",
    )
    audit: bool = Field(
        default=True,
        description="With an action: read the banner for the banner check "
        "(opens its settings, then the page again).",
    )
    preset: str | None = Field(
        default=None, description=f"A known consent platform: {', '.join(CONSENT_PRESETS)}."
    )
    accept: Locator | None = Field(
        default=None, description="The button that accepts (for any other banner)."
    )
    banner: Locator | None = Field(
        default=None,
        description="The banner, to check it has gone (default: the accept button).",
    )
    wait: float = Field(
        default=5000,
        gt=0,
        le=60_000,
        description="Milliseconds to wait for the banner to show before going on without it.",
    )

    @field_validator("preset")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return _preset(value) if value is not None else None

    @model_validator(mode="after")
    def _one(self) -> ConsentConfig:
        if sum(x is not None for x in (self.action, self.preset, self.accept)) != 1:
            raise ValueError(
                "consent takes one of an action (accept, reject, none), a preset or an "
                "accept locator, for example {accept: {role: button, name: Accept all}}"
            )
        return self

    def locators(self) -> tuple[Locator, Locator | None]:
        """The accept button and the banner to check."""
        if self.preset is not None:
            accept, banner = CONSENT_PRESETS[self.preset]
            return accept, self.banner or banner
        assert self.accept is not None
        return self.accept, self.banner


def _preset(value: str, actions: bool = False) -> str:
    known = [*CONSENT_ACTIONS, *CONSENT_PRESETS] if actions else list(CONSENT_PRESETS)
    if value not in known:
        import difflib

        close = difflib.get_close_matches(value, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        what = "consent action or preset" if actions else "consent preset"
        raise ValueError(
            f"unknown {what} '{value}'{hint}; {', '.join(known)}, or give {{accept: <locator>}}"
        )
    return value


class Geolocation(_Strict):
    latitude: float = Field(ge=-90, le=90, description="Degrees north.")
    longitude: float = Field(ge=-180, le=180, description="Degrees east.")
    accuracy: float = Field(default=50, ge=0, description="Metres.")


class Cookie(_Strict):
    """A cookie set before the journey starts (a session, a consent choice)."""

    name: str = Field(min_length=1)
    value: str = Field(description="May use ${env:NAME} and ${secret:NAME}.")
    url: str | None = Field(default=None, description="Where it applies (default: base_url).")
    domain: str | None = Field(default=None, description="Or a domain, with `path`.")
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    same_site: Literal["Strict", "Lax", "None"] | None = None
    expires: float | None = Field(default=None, description="Unix time; default: a session cookie.")


#: An origin (``https://shop.example``, ``https://*.example.com:8443``) or a bare
#: scheme (``file:``, ``data:``) that the journey may open.
_ORIGIN = re.compile(r"^(https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?|[a-z][a-z0-9+.-]*:(//)?)$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class JourneyFile(_Strict):
    """The top level of a journey file (steps are validated by their actions)."""

    journey: str = Field(
        min_length=1,
        description="The journey's name, as reports show it. With `data`, `${column}` "
        "in the name is filled from each row.",
    )
    description: str = Field(default="", description="What the customer is trying to do.")
    tags: list[str] = Field(
        default_factory=list, description="Labels to pick journeys with `cxaudit run --tag`."
    )
    base_url: str | None = Field(
        default=None, description="Site address; overridden by --base-url or CXAUDIT_BASE_URL."
    )
    channels: list[str] | None = Field(
        default=None, description="Channels to run on (default: all configured)."
    )
    stages: dict[str, list[Any]] = Field(
        description="Ordered stages, each a list of steps. pre-purchase, purchase and "
        "post-purchase are the canonical ones; other names are allowed, except one a letter "
        "or two away from a canonical name (pre-purchse, Purchase): that is taken for a typo."
    )
    budgets: Budgets | None = Field(
        default=None, description="Performance budgets for every step of this journey."
    )
    messages: dict[str, Any] = Field(
        default_factory=dict,
        description="Message-consistency rules: what must read the same across steps and channels.",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins (https://host[:port], `*.` for subdomains) the journey may open besides its base_url's, and schemes such as `file:` it may open (refused by default).",
    )
    locale: str | None = Field(
        default=None,
        description="Browser language and formats, e.g. nl-NL (default: the channel's).",
    )
    timezone: str | None = Field(default=None, description="IANA time zone, e.g. Europe/Amsterdam.")
    geolocation: Geolocation | None = Field(
        default=None, description="Where the browser says it is (permission granted)."
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Extra HTTP headers on every request; values may use ${env:} and ${secret:}.",
    )
    storage_state: str | None = Field(
        default=None,
        description="Playwright storage-state JSON (cookies, local storage) to start signed in; "
        "relative to this file.",
    )
    cookies: list[Cookie] = Field(
        default_factory=list, description="Cookies set before the journey."
    )
    data: list[dict[str, Scalar]] | None = Field(
        default=None,
        description="Rows of variables: the journey runs once per row, named by it.",
        min_length=1,
    )
    consent: str | ConsentConfig | None = Field(
        default=None,
        description="Answer the cookie banner before the journey: accept, reject or none "
        f"(any platform, through autoconsent), a preset ({', '.join(CONSENT_PRESETS)}) "
        "or {accept: <locator>}.",
    )
    soft_checks: bool = Field(
        default=False,
        description="Check steps (expect, capture) are soft unless they say `soft: false`: "
        "a failed check is a finding and the journey goes on, so one journey probes "
        "several faults.",
    )
    wait_until: WaitUntil | None = Field(
        default=None,
        description="When a page counts as loaded after a goto or a page-changing step "
        "(default: load); a step's own `wait_until` wins.",
    )
    test_id_attribute: str | None = Field(
        default=None,
        description="The attribute `test_id` locators match (data-test, data-qa, data-cy...); "
        "default: the project's `test_id_attribute`, else data-testid.",
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        le=86_400_000,
        description="The whole journey's budget in ms: a step gets at most what is left of "
        "it, and fails when it is spent.",
    )

    @field_validator("test_id_attribute")
    @classmethod
    def _test_id(cls, value: str | None) -> str | None:
        return check_test_id_attribute(value)

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("base_url must start with http:// or https://")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not _ORIGIN.match(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: write scheme://host[:port], "
                    "without a path, e.g. https://cdn.example.com (or a scheme such as file:)"
                )
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        if value is not None and not _LOCALE.match(value):
            raise ValueError(f"{value!r} is not a locale: write a language tag such as en-GB")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as Europe/Amsterdam"
            ) from None
        return value

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: str | ConsentConfig | None) -> str | ConsentConfig | None:
        return _preset(value, actions=True) if isinstance(value, str) else value

    @field_validator("data")
    @classmethod
    def _columns(cls, rows: list[dict[str, Scalar]] | None) -> list[dict[str, Scalar]] | None:
        for row in rows or []:
            for key in row:
                if not NAME.match(str(key)):
                    raise ValueError(f"data column {key!r} must be a variable name")
        return rows


class ParamSpec(_Strict):
    description: str = Field(default="", description="What the value is for.")
    default: Scalar | None = Field(
        default=None, description="The value when `use` gives none; without it, required."
    )


class FragmentFile(_Strict):
    """A reusable piece of journey, included with ``use:``."""

    fragment: str = Field(min_length=1, description="The fragment's name.")
    description: str = Field(default="", description="What it does.")
    params: dict[str, ParamSpec | Scalar | None] = Field(
        default_factory=dict,
        description="Parameters: name -> default value (null: required) or "
        "{description, default}. Steps use them as ${name}.",
    )
    steps: list[Any] = Field(min_length=1, description="The steps, as in a stage.")

    @field_validator("params")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not NAME.match(str(key)):
                raise ValueError(f"parameter {key!r} must be a variable name")
        return value

    def defaults(self) -> dict[str, str | None]:
        """Parameter -> default text, ``None`` for a required one."""
        out: dict[str, str | None] = {}
        for key, spec in self.params.items():
            value = spec.default if isinstance(spec, ParamSpec) else spec
            out[key] = None if value is None else scalar_text(value)
        return out
