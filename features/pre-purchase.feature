@pre-purchase
Feature: Finding and choosing trail shoes
  A shopper searches the shop, opens a product and decides whether to buy it.
  Run against the demo shop: cxaudit demo serve --fixed, then pytest features/

  Background:
    Given the shop at "http://127.0.0.1:8765"

  Scenario: A shopper on a phone finds trail shoes
    Given a customer on the mobile channel
    When they open "/"
    And they search for "trail"
    Then they see "Trail Runner 2"
    When they open the product "Trail Runner 2"
    Then they see "Delivered in 2-3 working days"
    And the page has no serious accessibility issues
    And the page responds within 10000 ms
    And the pre-purchase stage scores at least 80
