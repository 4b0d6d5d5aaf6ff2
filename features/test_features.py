"""The example features, bound to cxaudit's step library.

Run them against the demo shop (`cxaudit demo serve --fixed` in another
terminal) with `pytest features/`; add `--cx-base-url URL` for another address.
"""

from pytest_bdd import scenarios

pytest_plugins = ["cxaudit.pytest.bdd"]

scenarios(".")
