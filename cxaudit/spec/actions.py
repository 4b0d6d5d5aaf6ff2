"""The step vocabulary: every action a journey may use, declared once.

An action is declared with :func:`declare`: its name, a pydantic model of its
arguments (which is also its JSON Schema and its documentation), the argument
a plain scalar fills (``goto: /cart`` means ``goto: {url: /cart}``), whether
it may change what the customer sees (then the runner audits the page after
it), examples (tested, and published in docs/journeys.md), its documentation,
and an optional static check that ``cxaudit validate`` runs without a
browser. This module is pure: how each action is carried out in a browser is
in :mod:`cxaudit.run.actions` (``@runs(name)``), which the journey language
never imports.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_validator,
)

from cxaudit.spec.journey_file import Scalar
from cxaudit.spec.locators import Locator
from cxaudit.spec.paths import is_file
from cxaudit.spec.variables import NAME, scalar_text


@dataclass(frozen=True)
class Note:
    """What a static check says about a step, at a path inside its arguments."""

    path: tuple[str | int, ...]
    message: str
    severity: str = "error"


CheckFn = Callable[[Any, Path], list[Note]]


@dataclass(frozen=True)
class ActionSpec:
    """An action as the journey language knows it."""

    name: str
    args: type[BaseModel]
    doc: str
    shorthand: str | None = None
    changes_page: bool = False
    examples: tuple[str, ...] = ()
    check: CheckFn | None = None
    #: A check step (it verifies, it does not act): it may be ``soft``.
    verifies: bool = False


REGISTRY: dict[str, ActionSpec] = {}


def declare(
    name: str,
    args: type[BaseModel],
    *,
    doc: str,
    shorthand: str | None = None,
    changes_page: bool = False,
    examples: tuple[str, ...] = (),
    check: CheckFn | None = None,
    verifies: bool = False,
) -> ActionSpec:
    """Declare an action of the journey language; ``doc`` is its documentation."""
    if name in REGISTRY:
        raise ValueError(f"action {name!r} is declared twice")
    spec = ActionSpec(
        name=name,
        args=args,
        doc=inspect.cleandoc(doc),
        shorthand=shorthand,
        changes_page=changes_page,
        examples=examples,
        check=check,
        verifies=verifies,
    )
    REGISTRY[name] = spec
    return spec


# ---------------------------------------------------------------------------
# Argument models


class _Args(BaseModel):
    # Numbers where text is meant are text: a postcode, a quantity, an option.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class GotoArgs(_Args):
    url: str = Field(description="Address to open; relative paths join the journey's base_url.")
    wait_until: Literal["load", "domcontentloaded", "networkidle", "commit"] | None = Field(
        default=None,
        description="When the page counts as opened (default: the step's or journey's "
        "`wait_until`, else load).",
    )


class ClickArgs(Locator):
    """Locator of the element to click."""


class FillArgs(Locator):
    value: str = Field(description="Text to put in the field (replaces what is there).")


class TypeArgs(Locator):
    value: str = Field(description="Text to type, one key at a time, after what is there.")
    delay: float = Field(
        default=0,
        ge=0,
        le=1000,
        description="Milliseconds between two keys (0: as fast as possible).",
    )


class SelectArgs(Locator):
    option: str = Field(description="Visible label (or value) of the option to choose.")


class PressArgs(_Args):
    key: str = Field(
        description="Key to press, as Playwright names it: Enter, Tab, Escape, ArrowDown, Control+A..."
    )
    on: Locator | None = Field(
        default=None, description="Element to focus first (default: the focused one)."
    )


class ScrollArgs(_Args):
    to: Literal["top", "bottom"] | Locator = Field(
        description="`top`, `bottom`, or a locator of the element to bring into view."
    )

    @field_validator("to", mode="before")
    @classmethod
    def _place(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in ("top", "bottom"):
            raise ValueError(f"scroll to 'top', 'bottom' or an element locator, not {value!r}")
        return value


class UploadArgs(Locator):
    files: list[str] = Field(
        min_length=1,
        description="Files to choose, relative to the journey (or fragment) file.",
    )

    @field_validator("files", mode="before")
    @classmethod
    def _one_file(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


def _check_upload(args: UploadArgs, folder: Path) -> list[Note]:
    return [
        Note(("files", i), f"no such file: {name} (paths are relative to this file's folder)")
        for i, name in enumerate(args.files)
        if "${" not in name and not is_file(folder / name)
    ]


_WAIT_KINDS = ("visible", "hidden", "attached", "detached", "url", "load", "ms")


class WaitArgs(_Args):
    visible: Locator | None = Field(default=None, description="Until this element is visible.")
    hidden: Locator | None = Field(
        default=None, description="Until this element is hidden or gone (a spinner, a banner)."
    )
    attached: Locator | None = Field(
        default=None, description="Until this element is in the page, visible or not."
    )
    detached: Locator | None = Field(
        default=None, description="Until this element has left the page."
    )
    url: str | None = Field(default=None, description="Until the address contains this text.")
    load: Literal["load", "domcontentloaded", "networkidle"] | None = Field(
        default=None, description="Until the page reaches this load state."
    )
    ms: float | None = Field(
        default=None,
        gt=0,
        le=60_000,
        description="A fixed pause in milliseconds (validate warns: prefer waiting for something).",
    )

    @model_validator(mode="after")
    def _one(self) -> WaitArgs:
        given = [k for k in _WAIT_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"wait takes exactly one of: {', '.join(_WAIT_KINDS)}")
        return self


def _check_wait(args: WaitArgs, folder: Path) -> list[Note]:
    if args.ms is None:
        return []
    return [
        Note(
            ("ms",),
            "a fixed wait makes a journey slow on fast sites and flaky on slow ones: "
            "wait for an element (visible, hidden), a url or a load state instead",
            "warning",
        )
    ]


_EXPECT_KINDS = (
    "text",
    "url",
    "title",
    "visible",
    "hidden",
    "enabled",
    "disabled",
    "count",
    "value",
    "attribute",
)


class ExpectArgs(_Args):
    text: str | None = Field(default=None, description="Text visible on the page.")
    within: Locator | None = Field(
        default=None, description="With `text`: look only inside this element."
    )
    url: str | None = Field(default=None, description="The page address contains this text.")
    title: str | None = Field(default=None, description="The page title contains this text.")
    visible: Locator | None = Field(default=None, description="An element that is visible.")
    hidden: Locator | None = Field(
        default=None, description="An element that is hidden or not there at all."
    )
    enabled: Locator | None = Field(default=None, description="A control that can be used.")
    disabled: Locator | None = Field(default=None, description="A control that is disabled.")
    count: int | None = Field(
        default=None, ge=0, description="How many elements match `of` (0 for none)."
    )
    value: str | None = Field(default=None, description="The value of the form field `of`.")
    attribute: str | None = Field(
        default=None, description="An attribute of `of` that is present (or `equals` a value)."
    )
    equals: str | None = Field(default=None, description="With `attribute`: its expected value.")
    of: Locator | None = Field(
        default=None, description="The element that `count`, `value` or `attribute` is about."
    )

    @model_validator(mode="after")
    def _one(self) -> ExpectArgs:
        given = [k for k in _EXPECT_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"expect takes exactly one of: {', '.join(_EXPECT_KINDS)}")
        kind = given[0]
        needs_of = kind in ("count", "value", "attribute")
        if needs_of and self.of is None:
            raise ValueError(f"expect {kind} needs 'of': the element it is about")
        if not needs_of and self.of is not None:
            raise ValueError("'of' goes with count, value or attribute")
        if self.within is not None and kind != "text":
            raise ValueError("'within' goes with text")
        if self.equals is not None and kind != "attribute":
            raise ValueError("'equals' goes with attribute")
        return self


class CaptureTarget(Locator):
    attribute: str | None = Field(
        default=None, description="Read this attribute instead of the text (or a field's value)."
    )
    number: bool = Field(
        default=False,
        description="Keep the number read from the text (`€1.234,50` -> `1234.5`) as the value.",
    )
    secret: bool = Field(default=False, description="Never write the value to results or reports.")


class CaptureArgs(RootModel[dict[str, CaptureTarget]]):
    """Variable name -> where to read its value."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _names(self) -> CaptureArgs:
        for name in self.root:
            if not NAME.match(name):
                raise ValueError(
                    f"capture name {name!r} must be a variable name (letters, digits, _)"
                )
        if not self.root:
            raise ValueError("capture needs at least one name: {price: {test_id: price}}")
        return self


class SecretValue(_Args):
    value: Scalar = Field(description="The value (may use other variables).")
    secret: bool = Field(default=False, description="Never write the value to results or reports.")


class SetArgs(RootModel[dict[str, Scalar | SecretValue]]):
    """Variable name -> value, or {value, secret: true}."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _names(self) -> SetArgs:
        if not self.root:
            raise ValueError("set needs at least one variable: {greeting: Hello}")
        for name in self.root:
            if not NAME.match(str(name)):
                raise ValueError(f"variable name {name!r} must be letters, digits and _")
        return self

    def values(self) -> dict[str, tuple[str, bool]]:
        """Name -> (value as text, secret)."""
        out = {}
        for name, item in self.root.items():
            if isinstance(item, SecretValue):
                out[name] = (scalar_text(item.value), item.secret)
            else:
                out[name] = (scalar_text(item), False)
        return out


class UseArgs(_Args):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, coerce_numbers_to_str=True
    )

    fragment: str = Field(
        description="Fragment file, relative to this file (or to the journey's folder)."
    )
    with_: dict[str, Scalar] = Field(
        default_factory=dict,
        alias="with",
        description="Values of the fragment's parameters, used there as ${name}.",
    )


class ScreenshotArgs(_Args):
    label: str | None = Field(default=None, description="A word for the file name.")
    of: Locator | None = Field(default=None, description="Only this element (default: the page).")
    full_page: bool = Field(
        default=True, description="The whole page, not only what fits on the screen."
    )


class WaitForEmailArgs(_Args):
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, populate_by_name=True
    )

    to: str | None = Field(
        default=None,
        description="Recipient to wait for (default `${mail.address}`, this run's own address).",
    )
    sender: str | None = Field(
        default=None, alias="from", description="Text the From header contains."
    )
    subject: str | None = Field(default=None, description="Text the subject contains.")
    contains: str | None = Field(default=None, description="Text the message contains.")
    timeout: float = Field(
        default=30, gt=0, le=3600, description="Seconds to wait before the step fails."
    )
    load_remote: bool = Field(
        default=False,
        description="Load the images, styles and fonts the message asks for from the network, "
        "as a mail client set to show them does (its trackers then see an open). By default "
        "they are blocked and counted.",
    )
    draw: bool = Field(
        default=True,
        description="Also draw the message at a phone and a desktop width in a browser context "
        "of its own, audited there with axe-core and the layout gatherer, for the "
        "email-fits-screen, email-accessibility and email-tap-targets checks (false saves a "
        "context and the audits).",
    )
    budget_ms: float | None = Field(
        default=None,
        gt=0,
        description="Longest this message may take to arrive after the page load that caused "
        "it, in ms (the email-arrival check; default: that check's `budget_ms`). When the "
        "wait is made from an email shown by an earlier wait, it counts from the page load "
        "that email was counted from.",
    )


# ---------------------------------------------------------------------------
# Declarations

declare(
    "goto",
    GotoArgs,
    shorthand="url",
    changes_page=True,
    examples=(
        "goto: /product/trail-runner-2",
        'goto: {url: "/search?q=boots", wait_until: networkidle}',
    ),
    doc="""Open a page, as a customer typing an address or following a bookmark.

    An answer of HTTP 400 or more fails the step; a site that does not answer
    at all is a run error (the report says the site was unreachable).
    """,
)

declare(
    "click",
    ClickArgs,
    shorthand="text",
    changes_page=True,
    examples=(
        "click: {role: button, name: Add to cart}",
        "click: Track your order",
        "click: {role: link, name: Shoes, within: {role: navigation, name: Main}}",
    ),
    doc="""Click (or tap, on touch channels) an element.

    Playwright waits until the element is visible, stable and enabled first.
    """,
)

declare(
    "dblclick",
    ClickArgs,
    shorthand="text",
    changes_page=True,
    examples=("dblclick: {test_id: quantity}",),
    doc="""Double-click an element (to select a word, or open an item in some widgets).""",
)

declare(
    "hover",
    ClickArgs,
    shorthand="text",
    changes_page=True,
    examples=("hover: {role: link, name: Shoes}",),
    doc="""Rest the pointer on an element, to open a menu or show a tooltip.

    Phones have no pointer to rest: a menu that opens only on hover is one
    their customers cannot open, which is worth checking on touch channels.
    """,
)

declare(
    "scroll",
    ScrollArgs,
    shorthand="to",
    changes_page=True,
    examples=("scroll: bottom", "scroll: {to: {test_id: reviews}}"),
    doc="""Scroll to the top, the bottom, or until an element is in view.

    Scrolling to the bottom is how lazy-loaded content (more products,
    reviews, the footer) comes in; the page is audited afterwards.
    """,
)

declare(
    "fill",
    FillArgs,
    examples=(
        "fill: {label: Email, value: guest@example.com}",
        'fill: {label: Card number, value: "${secret:CARD_NUMBER}"}',
    ),
    doc="""Put text in a form field at once, replacing what it held.

    Use `type` instead for fields that react to each key (search suggestions,
    card number formatting).
    """,
)

declare(
    "type",
    TypeArgs,
    examples=(
        "type: {label: Search, value: trail}",
        "type: {label: Search, value: jacket, delay: 80}",
    ),
    doc="""Type text key by key, as a customer does, after what the field holds.

    Each key fires its keyboard events, so autocomplete lists and input masks
    behave as they do for people. `clear` the field first to replace its text.
    """,
)

declare(
    "clear",
    ClickArgs,
    shorthand="label",
    examples=("clear: Search", "clear: {label: Quantity}"),
    doc="""Empty a form field (before `type`, to replace its text).""",
)

declare(
    "select",
    SelectArgs,
    changes_page=True,
    examples=('select: {label: Size, option: "42"}',),
    doc="""Choose an option of a drop-down list by its label (or value).""",
)

declare(
    "check",
    ClickArgs,
    shorthand="label",
    examples=("check: I accept the terms",),
    doc="""Tick a checkbox or choose a radio button (nothing happens if it already is).""",
)

declare(
    "uncheck",
    ClickArgs,
    shorthand="label",
    examples=("uncheck: {label: Send me offers}",),
    doc="""Clear a checkbox (nothing happens if it is already clear).""",
)

declare(
    "press",
    PressArgs,
    shorthand="key",
    changes_page=True,
    examples=("press: Enter", "press: {key: Tab, on: {label: Email}}"),
    doc="""Press a key, in the focused element or in the one given with `on`.""",
)

declare(
    "upload",
    UploadArgs,
    examples=("upload: {label: Photo of the damage, files: [photos/broken-sole.jpg]}",),
    check=_check_upload,
    doc="""Choose files in a file input, as the file picker would.

    Paths are relative to the file the step is written in.
    """,
)

declare(
    "wait",
    WaitArgs,
    shorthand="ms",
    examples=(
        "wait: {visible: {text: Added to your cart}}",
        "wait: {hidden: {test_id: spinner}}",
        "wait: {url: /checkout}",
        "wait: {load: networkidle}",
    ),
    check=_check_wait,
    doc="""Wait for something the customer waits for: an element, an address, a load state.

    A plain number is a fixed pause in milliseconds; `cxaudit validate` warns
    about it, because it is too long on a fast site and too short on a slow one.
    """,
)

declare(
    "expect",
    ExpectArgs,
    shorthand="text",
    verifies=True,
    examples=(
        "expect: Thank you for your order",
        'expect: {text: "${price}", within: {test_id: cart-total}}',
        "expect: {url: /cart}",
        "expect: {title: Checkout}",
        "expect: {visible: {role: alert}}",
        "expect: {hidden: {test_id: spinner}}",
        "expect: {enabled: {role: button, name: Place order}}",
        "expect: {count: 1, of: {css: .cart-table tbody tr}}",
        'expect: {value: "1", of: {label: Quantity}}',
        "expect: {attribute: type, equals: email, of: {label: Email}}",
    ),
    doc="""Check what the customer should see; a false expectation fails the step.

    Each form waits up to the step's timeout for the page to agree, then
    fails with what was expected and what the page actually showed.
    """,
)

declare(
    "capture",
    CaptureArgs,
    verifies=True,
    examples=(
        "capture: {price: {test_id: price}}",
        "capture: {order: {test_id: order-number}, total: {test_id: order-total, number: true}}",
        "capture: {email_type: {label: Email, attribute: type}}",
    ),
    doc="""Read values from the page into variables (a price, an order number).

    The text is kept as read (a form field's value, for fields); a number is
    parsed from it as a customer reads a price (currency symbols and
    separators understood) and recorded beside it for the consistency
    checks. With `number: true` the variable holds that number instead.
    """,
)

declare(
    "set",
    SetArgs,
    examples=(
        "set: {product: Trail Runner 2, quantity: 2}",
        'set: {password: {value: "${env:SHOP_PASSWORD}", secret: true}}',
    ),
    doc="""Give variables a value, for later steps to use as `${name}`.

    Values may use other variables and the environment; `secret: true` keeps
    the value out of results, reports and logs.
    """,
)

declare(
    "use",
    UseArgs,
    shorthand="fragment",
    examples=(
        "use: fragments/accept-cookies.yaml",
        "use: {fragment: fragments/checkout.yaml, with: {email: guest@example.com}}",
    ),
    doc="""Include the steps of a fragment file, with values for its parameters.

    A fragment is a reusable piece of journey (log in, check out as a guest):
    a file with `fragment:` (its name), optional `params:` and `steps:`. Its
    steps take the place of the `use` step when the journey loads, so reports
    show them one by one, with their own file and line. A fragment may use
    other fragments; a circle of them is an error.
    """,
)

declare(
    "screenshot",
    ScreenshotArgs,
    shorthand="label",
    examples=(
        "screenshot: basket",
        "screenshot: {label: order summary, of: {test_id: order-total}}",
    ),
    doc="""Save a picture of the page (or of one element) as evidence for the report.

    Files go in the run's screenshots folder and are listed in the step's
    result; fields holding card numbers, passwords or secrets are masked.
    """,
)

declare(
    "wait_for_email",
    WaitForEmailArgs,
    changes_page=True,
    examples=(
        "wait_for_email: {subject: Your order}",
        "wait_for_email: {from: shop@example.com, contains: NW-, timeout: 60}",
    ),
    doc="""Wait for an email, then show it: the next steps act on the message.

    By default the step waits for mail to this run's own address,
    `${mail.address}` (type it into the shop's e-mail field first), so
    journeys running in parallel never read each other's mail. The message
    is read from the mailbox the project config names under `mail:` (IMAP,
    Mailpit), else from the SMTP sink cxaudit starts on 127.0.0.1 (sites
    under test send to the address in `CXAUDIT_SMTP`). Its HTML part (or its
    text) becomes the page, with scripts off and remote content (images,
    styles, fonts, tracking pixels) blocked, as in a mail client that
    protects its reader (`load_remote: true` loads it): `capture`, `expect`
    and `click` work on it with the same locators, and a clicked link opens
    in the web channel's own browser context. The step result records
    sender, recipients, subject, headers, whether a plain-text part exists,
    each link's answer, what remote content was blocked (trackers marked),
    and how long the message took to arrive.
    """,
)
