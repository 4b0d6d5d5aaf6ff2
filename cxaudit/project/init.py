"""``cxaudit init``: a new audit project that runs as it is and teaches the language.

The journeys are written for the bundled demo shop (``cxaudit demo serve``),
so ``cxaudit run`` works at once; their comments explain each construct, so
changing them for a real site is the way to learn. Nothing is overwritten
unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxaudit.errors import UsageError

DEMO_URL = "http://127.0.0.1:8765"

CONFIG = """\
# cxaudit project settings. Every key is optional; the reference is
# docs/config.md in cxaudit. Precedence: command line > environment
# (CXAUDIT_*) > this file > defaults. Paths are relative to this file.
# Editors with a YAML language server complete and check keys with:
# yaml-language-server: $schema=.cxaudit/config.schema.json

# The site to audit. The journeys below are written for the demo shop:
# start it with `cxaudit demo serve`, or change this to your own site.
base_url: __BASE_URL__

# Channels to run each journey on: desktop, mobile, tablet, or your own.
channels: [desktop, mobile]
channel_profiles:
  slow-phone:                 # a channel of your own: mobile on a worse network
    extends: mobile
    network: {latency_ms: 400, download_kbps: 700, upload_kbps: 300}

journeys: [journeys]
output_dir: reports

# Performance budgets for every step; a journey's own `budgets:` win.
budgets:
  lcp_ms: 2500
  ttfb_ms: 800

# `cxaudit run` exits 1 below this overall score (0-100): CI fails on it.
thresholds:
  fail_under: 50

report:
  title: Customer experience audit
  client: Example Ltd
"""

BROWSE = """\
# yaml-language-server: $schema=../.cxaudit/journey.schema.json
# Pre-purchase: a customer looks for a product and decides.
# A journey is a name, optional settings, and stages of steps. Each step
# is one action (goto, click, fill, expect, ...); `cxaudit validate` checks
# the file, and the reference of every action is docs/journeys.md.
journey: Shopper finds a pair of trail shoes
description: Search, compare with the category, open the product.
tags: [pre-purchase, smoke]        # pick journeys with `cxaudit run --tag smoke`

stages:
  pre-purchase:
    - goto: /                     # relative to base_url (cxaudit.yaml or --base-url)
    # Find elements as a customer does: by role and name, label, or text.
    - fill: {label: Search, value: trail}
    - press: Enter
    - expect: {url: /search}      # a false expectation fails the step
    - click: {role: link, name: Trail Runner 2}
    # Capture what the customer reads, to compare it later: ${price}.
    - capture: {price: {test_id: price}}
    - expect: {text: "${price}"}
    - click: {role: link, name: Shoes, within: {role: navigation, name: Main}}
      name: Compare with the category   # any step can have a name for reports
    - expect: {visible: {role: link, name: City Sneaker}}
"""

BUY = """\
# yaml-language-server: $schema=../.cxaudit/journey.schema.json
# Purchase: a guest buys the shoes. The checkout form is a fragment
# (fragments/checkout.yaml) that other journeys reuse with their own values.
journey: Guest buys trail shoes
description: From the product page to the order confirmation.
tags: [purchase, smoke]

# What the customer must read the same everywhere: the consistency check
# CX-MSG-001 compares the captured values and reports a difference as a
# finding (the demo shop's cart charges more than its product page says).
# A group [a, b] says two captures of different names must agree: here the
# product page's price and the cart's. A name alone ([price]) compares
# the captures of that one name with each other: on every step and channel.
messages:
  must_match: [[price, cart_price]]

# Stricter budgets for the money path.
budgets:
  lcp_ms: 2000

stages:
  pre-purchase:
    - goto: /product/trail-runner-2
    - capture: {price: {test_id: price}}
  purchase:
    - click: {role: button, name: Add to cart}
    - expect: {url: /cart}
    - capture: {cart_price: {test_id: line-price}}
    - use:
        fragment: fragments/checkout.yaml
        with:
          email: guest@example.com
          name: Alex Guest
  post-purchase:
    - expect: Thank you for your order
    - capture: {order: {test_id: order-number}}
"""

AFTER = """\
# yaml-language-server: $schema=../.cxaudit/journey.schema.json
# Post-purchase: order status and support. It buys first (the same
# fragment), then uses the captured order number.
journey: Customer tracks an order and asks support
description: Order status by number, returns policy, contact form.
tags: [post-purchase]

stages:
  purchase:
    - goto: /product/city-sneaker
    - click: {role: button, name: Add to cart}
    - use: {fragment: fragments/checkout.yaml, with: {email: sam@example.com, name: Sam Buyer}}
    - capture: {order: {test_id: order-number}}
  post-purchase:
    - goto: /orders
    - fill: {label: Order number, value: "${order}"}
    - click: {role: button, name: Track order}
    - expect: {visible: {test_id: order-status}}
    - goto: /support
    - fill: {label: Name, value: Sam Buyer}
    - fill: {label: Email, value: sam@example.com}
    - fill: {label: Message, value: "Where is order ${order}?"}
    - click: {role: button, name: Send message}
    - expect: {visible: {test_id: contact-confirmation}}
"""

FRAGMENT = """\
# yaml-language-server: $schema=../../.cxaudit/journey.schema.json
# A fragment: steps shared by several journeys, included with `use:`.
# Parameters without a default must be given under `with:`; steps use them
# as ${name}. Files in a `fragments` folder are not run as journeys.
fragment: Guest checkout
description: Fill the checkout form as a guest and place the order.
params:
  email: {description: Where the confirmation goes}
  name: {description: Full name for the delivery}
  # A default; in CI, give a test card from the environment instead:
  # "${env:TEST_CARD:-4242 4242 4242 4242}", or ${secret:CARD} to keep it
  # out of every report.
  card: "4242 4242 4242 4242"
steps:
  - click: {role: link, name: Checkout}
  - fill: {label: Email, value: "${email}"}
  - fill: {label: Full name, value: "${name}"}
  - fill: {label: Address, value: 1 High Street}
  - fill: {label: City, value: Bristol}
  - fill: {placeholder: Postcode, value: BS1 4DJ}
  - fill: {label: Card number, value: "${card}"}
  - click: {role: button, name: Place order}
"""

WORKFLOW = """\
# Runs the customer-experience audit on every pull request and every
# Monday, uploads the report, and fails when a journey breaks or the score
# is under thresholds.fail_under in cxaudit.yaml.
name: CX audit
on:
  pull_request:
  workflow_dispatch:
  schedule:
    - cron: "0 6 * * 1"

jobs:
  audit:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cxaudit and a browser
        run: |
          pip install cxaudit          # pin the version you tested with
          cxaudit doctor --install
      - name: Check the journeys
        run: cxaudit validate
      - name: Audit
        run: cxaudit run --output reports/ci
        env:
          # The site under test; set it under Settings > Variables.
          CXAUDIT_BASE_URL: ${{ vars.CXAUDIT_BASE_URL }}
      - name: Upload the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxaudit-report
          path: reports/ci
"""


@dataclass(frozen=True)
class ScaffoldFile:
    path: str
    text: str


def scaffold_files(base_url: str = DEMO_URL) -> list[ScaffoldFile]:
    """The files ``cxaudit init`` writes, relative to the project folder."""
    from cxaudit.project.schema import schema_text

    return [
        ScaffoldFile(".cxaudit/journey.schema.json", schema_text("journey")),
        ScaffoldFile(".cxaudit/config.schema.json", schema_text("config")),
        ScaffoldFile("cxaudit.yaml", CONFIG.replace("__BASE_URL__", base_url)),
        ScaffoldFile("journeys/1-find-a-product.yaml", BROWSE),
        ScaffoldFile("journeys/2-buy.yaml", BUY),
        ScaffoldFile("journeys/3-after-the-order.yaml", AFTER),
        ScaffoldFile("journeys/fragments/checkout.yaml", FRAGMENT),
        ScaffoldFile(".github/workflows/cxaudit.yml", WORKFLOW),
    ]


def init_project(folder: Path, *, base_url: str = DEMO_URL, force: bool = False) -> list[Path]:
    """Write the scaffold into ``folder``; refuse to overwrite anything unless ``force``."""
    files = scaffold_files(base_url)
    targets = [(folder / f.path, f.text) for f in files]
    existing = [path for path, _ in targets if path.exists()]
    if existing and not force:
        shown = "\n".join(f"  {p}" for p in existing)
        raise UsageError(
            f"these files exist already, nothing was written:\n{shown}\n"
            "use --force to overwrite them, or init another folder"
        )
    for path, text in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in targets]
