"""Origin rules and the navigation policy, without a browser."""

from __future__ import annotations

import pytest

from cxaudit.run.policy import NavigationPolicy, OriginRule, host_matches


def test_origin_rule_matches_scheme_host_and_port() -> None:
    rule = OriginRule.parse("https://pay.example.com")
    assert rule.matches("https://pay.example.com/checkout?x=1")
    assert rule.matches("https://pay.example.com:443/")
    assert not rule.matches("http://pay.example.com/")
    assert not rule.matches("https://pay.example.com:8443/")
    assert not rule.matches("https://evil-pay.example.com/")
    assert not rule.matches("https://pay.example.com.evil.net/")


def test_wildcard_rule_matches_subdomains_only() -> None:
    rule = OriginRule.parse("https://*.example.com")
    assert rule.matches("https://a.example.com/") and rule.matches("https://a.b.example.com/")
    assert not rule.matches("https://example.com/")
    assert not rule.matches("https://badexample.com/")


def test_scheme_only_rule() -> None:
    rule = OriginRule.parse("file:")
    assert rule.scheme_only and rule.matches("file:///tmp/x.html")
    assert OriginRule.parse("file://").scheme_only
    assert not rule.matches("data:text/html,x")


def test_host_matches_ignores_case_and_trailing_dot() -> None:
    assert host_matches("Shop.Example.com.", "shop.example.com")


def test_site_is_the_base_url_origin() -> None:
    policy = NavigationPolicy("http://127.0.0.1:8765/shop/")
    assert policy.refusal("http://127.0.0.1:8765/cart") is None
    why = policy.refusal("http://localhost:8765/cart")
    assert why is not None
    assert "left the allowed origins" in why and "http://127.0.0.1:8765" in why
    assert "add 'http://localhost:8765' to the journey's allowed_origins" in why
    assert policy.refusal("http://127.0.0.1:9999/") is not None  # another port, another origin


def test_without_base_url_the_first_page_sets_the_site() -> None:
    policy = NavigationPolicy(None)
    assert policy.first_party("anything.example")  # nothing known yet
    assert policy.refusal("https://shop.example/") is None
    assert policy.refusal("https://shop.example/basket") is None
    assert policy.refusal("https://other.example/") is not None
    assert not policy.first_party("other.example")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "chrome://settings",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
        "view-source:http://127.0.0.1/",
        "about:config",
    ],
)
def test_other_schemes_are_refused_unless_listed(url: str) -> None:
    scheme = url.split(":")[0]
    why = NavigationPolicy("http://127.0.0.1:1/").refusal(url)
    assert why is not None and f"'{scheme}:' addresses are not allowed" in why
    assert NavigationPolicy("http://127.0.0.1:1/", [f"{scheme}:"]).refusal(url) is None


def test_blank_and_error_pages_are_not_navigations_away() -> None:
    policy = NavigationPolicy("http://127.0.0.1:1/")
    assert policy.watch("about:blank") is None
    assert policy.watch("chrome-error://chromewebdata/") is None
    assert policy.watch("chrome://settings") is not None


def test_allowed_origins_are_first_party_on_any_port() -> None:
    policy = NavigationPolicy("http://127.0.0.1:8765/", ["https://*.pay.example"])
    assert policy.first_party("127.0.0.1")
    assert policy.first_party("eu.pay.example")
    assert not policy.first_party("pay.example.evil")
    assert not policy.first_party("localhost")
