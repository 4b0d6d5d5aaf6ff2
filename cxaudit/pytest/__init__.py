"""cxaudit inside a test suite: the pytest plugin, the suite it delegates to, the bridge
that drives the async runner from synchronous tests, and the pytest-bdd step library.
"""
