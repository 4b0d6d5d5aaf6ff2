"""Running journeys in a browser: the runner, how each action is done, the browser, the
page policy, retries, and the pipeline (run, analyse, write) the CLI and pytest share.

The only rooms besides :mod:`cxaudit.gather` that touch Playwright.
"""
