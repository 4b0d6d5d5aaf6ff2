@purchase
Feature: Buying trail shoes as a guest
  The price the customer chose is the price they pay, on every channel.

  Scenario Outline: A guest buys trail shoes on <channel>
    Given the shop at "http://127.0.0.1:8765"
    And a customer on the <channel> channel
    And the pre-purchase stage begins
    When they open "/"
    And they search for "trail"
    And they open the product "Trail Runner 2"
    And the purchase stage begins
    And they add it to the cart
    Then the price matches the product page
    When they check out as "guest@example.com"
    Then they see "Thank you for your order"
    And the page has no serious accessibility issues
    And the purchase stage scores at least 80

    Examples:
      | channel |
      | desktop |
      | mobile  |
