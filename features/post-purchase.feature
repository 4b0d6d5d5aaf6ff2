@post-purchase
Feature: After the order
  The customer can follow the order and reach support without friction.

  Background:
    Given the shop at "http://127.0.0.1:8765"

  Scenario: A customer tracks an order and asks support a question
    Given the purchase stage begins
    When they open "/product/city-sneaker"
    And they add it to the cart
    And they check out as "sam@example.com"
    Then they see "Thank you for your order"
    When the post-purchase stage begins
    And they click "Track your order"
    Then they see "Order status"
    And the page responds within 10000 ms
    When they open "/support"
    And they fill in "Name" with "Sam Buyer"
    And they fill in "Email" with "sam@example.com"
    And they fill in "Message" with "Can I change the delivery address?"
    And they click "Send message"
    Then they see "we'll reply within 24 hours"
    And the page has no serious accessibility issues
    And the post-purchase stage scores at least 80
