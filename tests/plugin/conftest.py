"""pytester tests of the pytest plugin.

In-process runs pass ``-p no:playwright``: pytest-playwright's soft-assertion
scope cannot nest inside this suite's own test. Runs that need the browser,
xdist or pytest-playwright itself go through ``runpytest_subprocess``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

NO_PLAYWRIGHT = ("-p", "no:playwright", "-p", "no:cacheprovider")


def journey_yaml(name: str, steps: str, *, extra: str = "") -> str:
    """A small journey file's text; ``steps`` is the purchase stage's step list."""
    body = textwrap.indent(textwrap.dedent(steps).strip(), "    ")
    return f"journey: {name}\n{extra}stages:\n  purchase:\n{body}\n"


@pytest.fixture()
def project(pytester: pytest.Pytester) -> Path:
    """A project with two journeys in journeys/ and YAML that is not a journey."""
    pytester.mkdir("journeys")
    pytester.path.joinpath("journeys/checkout.yaml").write_text(
        "# a comment first\n"
        + journey_yaml(
            "Guest buys trail shoes",
            """
            - goto: /product/trail-runner-2
            - click: {role: button, name: Add to cart}
            """,
            extra="tags: [smoke]\n",
        )
    )
    pytester.path.joinpath("journeys/browse.yaml").write_text(
        journey_yaml("Shopper browses", "- goto: /", extra="channels: [mobile]\n")
    )
    pytester.mkdir("journeys/fragments")
    pytester.path.joinpath("journeys/fragments/login.yaml").write_text(
        journey_yaml("Not a journey on its own", "- goto: /login")
    )
    pytester.path.joinpath("journeys/settings.yaml").write_text("channels: [desktop]\n")
    pytester.mkdir("data")
    pytester.path.joinpath("data/fixture.yaml").write_text(
        journey_yaml("Test data, not a test", "- goto: /")
    )
    pytester.path.joinpath("data/broken.yml").write_text("a: [unclosed\n")
    return pytester.path
