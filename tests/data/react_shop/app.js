// Fell & Field: a shop rendered in the browser the way a React app renders one.
// One HTML page for every address; the catalogue comes from /api/products; each
// {expression} becomes its own text node (so a price is "£" and "89.00", apart);
// links and forms are handled here and move between views with history.pushState.
(function () {
  "use strict";

  var state = { products: [], cart: [], details: {}, order: null, added: null };

  function h(tag, props) {
    var node = document.createElement(tag);
    var children = Array.prototype.slice.call(arguments, 2);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
    });
    children.forEach(function append(child) {
      if (Array.isArray(child)) child.forEach(append);
      else if (child != null && child !== false)
        node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function money(amount, testId) {
    return h("span", testId ? { "data-testid": testId } : {}, "£", amount);
  }

  function total(lines) {
    return lines.reduce(function (sum, line) { return sum + Number(line.product.price); }, 0).toFixed(2);
  }

  function link(href, label, props) {
    return h("a", Object.assign({ href: href }, props || {}), label);
  }

  function layout(title, content) {
    var count = state.cart.length;
    return [
      h("a", { "class": "skip-link", href: "#main" }, "Skip to main content"),
      h("header", {}, h("div", { "class": "wrap" },
        link("/", "Fell & Field", { "class": "brand" }),
        h("nav", { "aria-label": "Main" }, h("ul", {},
          h("li", {}, link("/category/shoes", "Shoes")),
          h("li", {}, link("/category/jackets", "Jackets")),
          h("li", {}, link("/cart", ["Cart (", String(count), ")"])))),
        h("form", { "class": "search", role: "search", onsubmit: function (event) {
          event.preventDefault();
          navigate("/search?q=" + encodeURIComponent(event.target.elements.q.value));
        } },
          h("label", { "for": "q" }, "Search"),
          h("input", { id: "q", name: "q", type: "search", autocomplete: "off" }),
          h("button", { type: "submit" }, "Find")))),
      h("main", { id: "main", tabindex: "-1", "class": "wrap" }, h("h1", { tabindex: "-1" }, title), content),
      h("footer", {}, h("div", { "class": "wrap" },
        h("nav", { "aria-label": "Footer" }, h("ul", {},
          h("li", {}, link("/returns", "Returns")),
          h("li", {}, link("/privacy", "Privacy")),
          h("li", {}, link("/contact", "Contact us")))),
        h("p", {}, "Fell & Field, 3 Mill Lane, Kendal"))),
    ];
  }

  function cards(products) {
    return h("ul", { "class": "cards" }, products.map(function (p) {
      return h("li", { "class": "card" },
        h("h2", {}, link("/product/" + p.slug, p.name)),
        h("p", {}, money(p.price)),
        h("p", {}, p.blurb));
    }));
  }

  function field(id, label, props) {
    return h("div", { "class": "field" },
      h("label", { "for": id }, label),
      h("input", Object.assign({ id: id, name: id, required: true, value: state.details[id] || null }, props)));
  }

  function formValues(form) {
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name) state.details[input.name] = input.value;
    });
  }

  var views = {
    home: function () {
      return ["Gear for wet hills", [
        h("p", {}, "Shoes, jackets and socks for walking and running off road. Delivery in 2 working days."),
        h("h2", {}, "Popular this week"),
        cards(state.products.slice(0, 3)),
      ]];
    },
    category: function (name) {
      var items = state.products.filter(function (p) { return p.category === name; });
      return [name.charAt(0).toUpperCase() + name.slice(1), [
        h("p", {}, String(items.length), " products"), cards(items)]];
    },
    search: function (query) {
      var q = query.toLowerCase();
      var items = state.products.filter(function (p) {
        return (p.name + " " + p.blurb).toLowerCase().indexOf(q) !== -1;
      });
      return ["Results for " + query, [
        h("p", { role: "status" }, String(items.length), " products found"), cards(items)]];
    },
    product: function (slug) {
      var p = state.products.filter(function (item) { return item.slug === slug; })[0];
      if (!p) return views.missing();
      return [p.name, [
        h("p", { "class": "price" }, money(p.price, "price")),
        h("p", {}, p.blurb),
        h("p", { "data-testid": "delivery-promise" }, "Free delivery in 2 working days"),
        h("form", { method: "post", onsubmit: function (event) {
          event.preventDefault();
          state.cart.push({ product: p, size: event.target.elements.size.value });
          state.added = p.slug;
          render();
        } },
          h("div", { "class": "field" },
            h("label", { "for": "size" }, "Size"),
            h("select", { id: "size", name: "size" }, p.sizes.map(function (s) { return h("option", {}, s); }))),
          h("button", { type: "submit" }, "Add to cart")),
        state.added === slug
          ? h("p", { "class": "notice", role: "status" }, "Added to your cart. ", link("/cart", "View cart"))
          : null,
      ]];
    },
    cart: function () {
      if (!state.cart.length) return ["Your cart", [h("p", {}, "Your cart is empty.")]];
      return ["Your cart", [
        h("table", {},
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Product"), h("th", { scope: "col" }, "Size"),
            h("th", { scope: "col" }, "Price"))),
          h("tbody", {}, state.cart.map(function (line, i) {
            return h("tr", {}, h("th", { scope: "row" }, line.product.name), h("td", {}, line.size),
              h("td", {}, money(line.product.price, i === 0 ? "line-price" : null)));
          }))),
        h("p", {}, "Total: ", h("strong", {}, money(total(state.cart), "cart-total"))),
        h("p", {}, link("/checkout", "Go to checkout", { "class": "button" })),
      ]];
    },
    checkout: function () {
      return ["Delivery details", [
        h("p", {}, "Every field is required."),
        h("form", { method: "post", onsubmit: function (event) {
          event.preventDefault();
          formValues(event.target);
          navigate("/payment");
        } },
          field("email", "Email", { type: "email", autocomplete: "email" }),
          field("name", "Full name", { autocomplete: "name" }),
          field("address", "Address", { autocomplete: "street-address" }),
          field("city", "City", { autocomplete: "address-level2" }),
          field("postcode", "Postcode", { autocomplete: "postal-code" }),
          h("button", { type: "submit" }, "Continue to payment")),
      ]];
    },
    payment: function () {
      var amount = total(state.cart);
      return ["Payment", [
        h("p", {}, "To pay: ", money(amount, "payment-total")),
        h("form", { method: "post", onsubmit: function (event) {
          event.preventDefault();
          var button = event.target.querySelector("button");
          button.disabled = true;
          fetch("/api/orders", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ items: state.cart.map(function (l) { return l.product.slug; }) }),
          }).then(function (r) { return r.json(); }).then(function (order) {
            state.order = { number: order.number, total: amount };
            state.cart = [];
            navigate("/order/" + order.number);
          });
        } },
          field("card", "Card number", { inputmode: "numeric", autocomplete: "cc-number" }),
          field("expiry", "Expiry date (MM/YY)", { autocomplete: "cc-exp" }),
          h("button", { type: "submit" }, "Pay now")),
      ]];
    },
    order: function (number) {
      var order = state.order || { number: number, total: "0.00" };
      return ["Thank you for your order", [
        h("p", {}, "Your order number is ", h("strong", { "data-testid": "order-number" }, order.number), "."),
        h("p", {}, "Total paid: ", money(order.total, "order-total")),
        h("p", { "data-testid": "delivery-estimate" }, "It will be with you in 2 working days."),
        h("p", {}, "We will email you when it ships, with a link to track your order."),
        h("p", {}, link("/", "Continue shopping")),
      ]];
    },
    page: function (title, text) { return [title, [h("p", {}, text)]]; },
    missing: function () { return ["Page not found", [h("p", {}, "There is no page at this address.")]]; },
  };

  function route() {
    var path = location.pathname;
    var parts = path.split("/").filter(Boolean);
    if (!parts.length) return views.home();
    if (parts[0] === "category" && parts[1]) return views.category(parts[1]);
    if (parts[0] === "search") return views.search(new URLSearchParams(location.search).get("q") || "");
    if (parts[0] === "product" && parts[1]) return views.product(parts[1]);
    if (parts[0] === "order" && parts[1]) return views.order(parts[1]);
    if (parts[0] === "returns") return views.page("Returns", "Send anything back within 30 days, free.");
    if (parts[0] === "privacy") return views.page("Privacy", "We use your details only to send your order.");
    if (parts[0] === "contact") return views.page("Contact us", "Write to help@fellandfield.example.");
    if (views[parts[0]] && ["cart", "checkout", "payment"].indexOf(parts[0]) !== -1) return views[parts[0]]();
    return views.missing();
  }

  function render(moveFocus) {
    var view = route();
    var root = document.getElementById("root");
    root.textContent = "";
    layout(view[0], view[1]).forEach(function (node) { root.appendChild(node); });
    document.title = view[0] + " | Fell & Field";
    if (moveFocus) root.querySelector("h1").focus();
  }

  function navigate(href) {
    if (href.indexOf("/product/") !== 0) state.added = null;
    history.pushState({}, "", href);
    render(true);
    window.scrollTo(0, 0);
  }

  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[href^='/']");
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    navigate(a.getAttribute("href"));
  });
  window.addEventListener("popstate", function () { render(true); });

  fetch("/api/products").then(function (r) { return r.json(); }).then(function (products) {
    state.products = products;
    render(false);
  });
})();
