// Built as a React app renders: every value its own element, the currency apart from the amount.
(function () {
  "use strict";
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function money(amount, testId) {
    return el("span", testId ? { "data-testid": testId } : {}, [el("span", {}, ["$"]), el("span", {}, [amount])]);
  }
  function product() {
    return [
      el("h1", {}, ["Daypack 20 L"]),
      el("p", { "class": "price" }, [money("29.99", "price")]),
      el("p", {}, ["A light pack for a day on the trail, with a rain cover."]),
      el("p", {}, [el("a", { "class": "button", href: "cart.html" }, ["Add to cart"])]),
    ];
  }
  function cart() {
    return [
      el("h1", {}, ["Your cart"]),
      el("p", {}, ["Daypack 20 L, 1 item: ", money("29.99", "line-price")]),
      el("dl", {}, [
        el("dt", {}, ["Subtotal"]), el("dd", {}, [money("29.99")]),
        el("dt", {}, ["Shipping"]), el("dd", {}, [money("5.00")]),
        el("dt", {}, ["Total"]), el("dd", {}, [money("34.99", "cart-total")]),
      ]),
    ];
  }
  setTimeout(function () {
    var root = document.getElementById("root");
    root.textContent = "";
    (location.pathname.endsWith("cart.html") ? cart() : product()).forEach(function (node) {
      root.appendChild(node);
    });
  }, 50);
})();
