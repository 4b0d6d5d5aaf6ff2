"""What the gatherers read from a page, as typed models: the artifacts of a snapshot.

Each gatherer in :mod:`cxaudit.gather` answers with one of these (its
:class:`~cxaudit.results.Snapshot` field's type says which), and the checks
read their attributes. They are part of the results contract: results.json
(and its evidence file) hold them as plain JSON, read back through these
models.

Written for what was recorded, not only for what today's gatherers write:

- every field has a default, because a gatherer of another cxaudit version,
  or a page that stopped half-way, may not have produced it;
- keys the model does not know are kept as they were (``extra="allow"``), so
  a file written by a newer cxaudit loads, and a merge or a re-written
  results file keeps them.

Adding what a gatherer reads is one line here: a field with its default.
Everything in them came from an audited site and is untrusted text.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Artifact(BaseModel):
    """Base of every gathered model: frozen, unknown keys kept."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Box(Artifact):
    """Where an element is, in CSS pixels of the page."""

    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


class Element(Artifact):
    """An element a gatherer describes: how to find it, its opening HTML, its box."""

    selector: str = ""
    html: str | None = None
    box: Box | None = None


# ---------------------------------------------------------------------------
# layout (cxaudit.gather.layout)


class LayoutViewport(Artifact):
    width: int | None = None
    height: int | None = None
    client_width: int | None = None
    #: The zoom the browser chose: below 1 when a phone shrinks a page without a viewport meta.
    scale: float | None = None
    screen_width: int | None = None


class PageWidth(Artifact):
    """The document's width against the viewport's, and what reaches past its edge."""

    scroll_width: int | None = None
    client_width: int | None = None
    #: ``overflow-x`` of html and body.
    overflow_x: list[str] = Field(default_factory=list)
    offenders: list[Element] = Field(default_factory=list)


class TapTarget(Element):
    tag: str = ""
    name: str = ""
    #: A link inside a sentence (exempt from the target size).
    inline: bool = False
    #: A visible label activates it too.
    labelled: bool = False


class SmallText(Element):
    size: float = 0.0
    chars: int = 0
    text: str = ""


class TextSizes(Artifact):
    total_chars: int = 0
    #: ``[font size in px, characters]`` pairs.
    histogram: list[tuple[float, float]] = Field(default_factory=list)
    small: list[SmallText] = Field(default_factory=list)


class BrokenImage(Element):
    src: str = ""
    alt: str | None = None


class Images(Artifact):
    total: int = 0
    broken: list[BrokenImage] = Field(default_factory=list)


class Overlay(Element):
    """A fixed or sticky layer on top of the viewport."""

    position: str = ""
    #: Share of the viewport it covers.
    share: float = 0.0
    role: str = ""
    modal: bool = False
    text: str = ""


class Layout(Artifact):
    """The ``layout`` field: what the page looks like to a thumb and an eye."""

    viewport: LayoutViewport = Field(default_factory=LayoutViewport)
    #: The channel has a coarse pointer (a finger).
    touch: bool = False
    #: The ``content`` of ``<meta name=viewport>``; None without one.
    viewport_meta: str | None = None
    document: PageWidth = Field(default_factory=PageWidth)
    targets: list[TapTarget] = Field(default_factory=list)
    targets_total: int = 0
    text: TextSizes = Field(default_factory=TextSizes)
    images: Images = Field(default_factory=Images)
    overlays: list[Overlay] = Field(default_factory=list)


# ---------------------------------------------------------------------------
# forms (cxaudit.gather.forms)


class Description(Artifact):
    """An element a field's ``aria-describedby`` points at."""

    id: str = ""
    exists: bool = False
    rendered: bool = False
    text: str = ""


class FieldError(Element):
    """The error message shown for a field."""

    id: str = ""
    text: str = ""
    #: Found in the field's own group.
    in_group: bool = False
    #: Referenced by the field's ``aria-describedby`` or ``aria-errormessage``.
    tied: bool = False
    #: Placed right after the field, in a container it shares with other fields.
    after: bool = False
    #: Hidden from screen readers (``aria-hidden``).
    aria_hidden: bool = False


class FormField(Element):
    """A form field as a customer and a screen reader meet it (its value never read)."""

    tag: str = ""
    #: The type the browser uses; ``type_attr`` as written.
    type: str = ""
    type_attr: str = ""
    name_attr: str = ""
    id: str = ""
    inputmode: str = ""
    autocomplete: str = ""
    placeholder: str = ""
    required: bool = False
    aria_required: bool = False
    aria_invalid: str = ""
    label: str = ""
    #: Its accessible name, and where it came from (label, aria-label, placeholder...).
    name: str = ""
    name_source: str = ""
    #: ``required`` or ``optional`` when its label says so.
    label_marker: str = ""
    #: The legend of its fieldset.
    legend: str = ""
    described_by: list[Description] = Field(default_factory=list)
    error: FieldError | None = None
    #: An error summary links to it.
    flagged: bool = False
    #: Index of its form; -1 outside any form.
    form: int = -1


class FormError(Element):
    """An error message of a whole form, belonging to no one field."""

    text: str = ""
    aria_hidden: bool = False
    #: The ids its same-page links point at.
    links: list[str] = Field(default_factory=list)


class FormOnPage(Element):
    """A form that holds fields."""

    index: int = -1
    #: How many of the fields are in it.
    fields: int = 0
    #: A sentence such as "All fields are required" outside the labels.
    note: str = ""
    #: As the browser submits it (``get`` when none is written); None: not recorded.
    method: str | None = None
    method_attr: str = ""
    action: str = ""
    search: bool = False
    errors: list[FormError] = Field(default_factory=list)


class Forms(Artifact):
    """The ``forms`` field: the page's visible form fields and their forms."""

    fields: list[FormField] = Field(default_factory=list)
    forms: list[FormOnPage] = Field(default_factory=list)


# ---------------------------------------------------------------------------
# keyboard (cxaudit.gather.keyboard)


class SkipTarget(Artifact):
    """Where a same-page link lands."""

    href: str = ""
    exists: bool = False
    is_main: bool = False
    after_link: bool = False
    in_nav: bool = False
    in_side: bool = False


class TabStop(Element):
    """An element the Tab key reached, and how it looked while focused."""

    tag: str = ""
    name: str = ""
    visible: bool = False
    #: Its look could be read focused and unfocused.
    measured: bool = False
    indicator: bool = False
    changed: list[str] = Field(default_factory=list)
    in_main: bool = False
    in_modal: bool = False
    controls_nav: bool = False
    skip_target: SkipTarget | None = None


class TrapAdvice(Artifact):
    """What the page says to leave a trap, and where pressing it left focus."""

    text: str = ""
    #: As pressed (``Control+m``).
    keys: str = ""
    #: ``text`` or ``help control``.
    via: str = ""
    after: list[int] = Field(default_factory=list)
    #: Focus left the cycle.
    left: bool = False


class TrapConfirm(Artifact):
    """Further presses after a candidate trap: where focus went."""

    cycle: list[int] = Field(default_factory=list)
    tab: list[int] = Field(default_factory=list)
    shift_tab: list[int] = Field(default_factory=list)
    #: Where focus was once each further press was over (None: not recorded).
    tab_ends: list[int] | None = None
    shift_tab_ends: list[int] | None = None
    advice: TrapAdvice | None = None


class KeyboardWalk(Artifact):
    """The ``keyboard`` field: a walk through the page with the Tab key."""

    expected: int = 0
    presses: int = 0
    #: Indexes into ``stops``; -1 focus outside the page, -2 the starting point.
    sequence: list[int] = Field(default_factory=list)
    confirm: TrapConfirm | None = None
    #: Focusable elements focus never reached.
    unreached: int = 0
    stops: list[TabStop] = Field(default_factory=list)
    has_main: bool = False
    content_heading: bool = False
    words_before_stops: int = 0
    #: ``not html`` for a document without an HTML body (not walked).
    document: str = ""


# ---------------------------------------------------------------------------
# axe (cxaudit.gather.axe): axe-core's own names, kept as axe writes them


class AxeCheck(Artifact):
    id: str = ""
    message: str = ""
    data: Any = None


class AxeNode(Artifact):
    #: axe's selector path (a list; a frame or shadow root nests another list).
    target: list[Any] = Field(default_factory=list)
    html: str | None = None
    impact: str | None = None
    failureSummary: str | None = None
    any: list[AxeCheck] = Field(default_factory=list)
    all: list[AxeCheck] = Field(default_factory=list)
    none: list[AxeCheck] = Field(default_factory=list)
    box: Box | None = None


class AxeRule(Artifact):
    id: str = ""
    impact: str | None = None
    tags: list[str] = Field(default_factory=list)
    help: str = ""
    description: str = ""
    helpUrl: str = ""
    nodes: list[AxeNode] = Field(default_factory=list)


class AxePass(Artifact):
    id: str = ""
    #: The rule's own impact, to weigh its pass.
    impact: str | None = None


class AxeResult(Artifact):
    """The ``axe`` field: axe-core's result, trimmed (see :mod:`cxaudit.gather.axe`)."""

    version: str = ""
    url: str = ""
    violations: list[AxeRule] = Field(default_factory=list)
    incomplete: list[AxeRule] = Field(default_factory=list)
    passes: list[AxePass] = Field(default_factory=list)
    inapplicable: list[str] = Field(default_factory=list)

    @field_validator("passes", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        """Passes recorded as bare rule ids (as older runs did) are passes of unknown impact."""
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value
