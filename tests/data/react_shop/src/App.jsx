// Fell & Field: a small shop written as React apps are written (function components,
// hooks, JSX), built with React and react-select from npm (build.mjs bundles it into
// ../app.js). React renders each {expression} as its own text node, so a price is "£"
// and "89.00", apart; server-rendered, the two are split by an empty comment.
// One HTML page answers every address; links and forms move between views with
// history.pushState. Product pages rendered ahead of time carry their data in a
// __NEXT_DATA__ script and are hydrated, as a Next.js page is (main.jsx).
import React, { useEffect, useRef, useState, useSyncExternalStore } from "react";
import Select from "react-select";

const listeners = new Set();
function subscribe(listener) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}
const currentAddress = () => location.pathname + location.search;

export function navigate(href) {
  history.pushState({}, "", href);
  listeners.forEach((listener) => listener());
  window.scrollTo(0, 0);
}

function Link({ href, children, ...props }) {
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...props}>
      {children}
    </a>
  );
}

function Links({ label, links }) {
  return (
    <nav aria-label={label}>
      <ul>
        {links.map(([href, text]) => (
          <li key={href}>
            <Link href={href}>{text}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Money({ amount, testId }) {
  return <span data-testid={testId}>£{amount}</span>;
}

const total = (lines) => lines.reduce((sum, line) => sum + Number(line.product.price), 0).toFixed(2);

function Layout({ title, count, focusTitle, children }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${title} | Fell & Field`;
    if (focusTitle) heading.current.focus();
  }, [title, focusTitle]);
  const search = (event) => {
    event.preventDefault();
    navigate("/search?q=" + encodeURIComponent(event.target.elements.q.value));
  };
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header>
        <div className="wrap">
          <Link href="/" className="brand">
            Fell &amp; Field
          </Link>
          <Links label="Main" links={[["/category/shoes", "Shoes"], ["/category/jackets", "Jackets"], ["/cart", <>Cart ({count})</>]]} />
          <form className="search" role="search" onSubmit={search}>
            <label htmlFor="q">Search</label>
            <input id="q" name="q" type="search" autoComplete="off" />
            <button type="submit">Find</button>
          </form>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="wrap">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {children}
      </main>
      <footer>
        <div className="wrap">
          <Links label="Footer" links={[["/returns", "Returns"], ["/privacy", "Privacy"], ["/contact", "Contact us"]]} />
          <p>Fell &amp; Field, 3 Mill Lane, Kendal</p>
        </div>
      </footer>
    </>
  );
}

function Cards({ products }) {
  return (
    <ul className="cards">
      {products.map((p) => (
        <li className="card" key={p.slug}>
          <h2>
            <Link href={"/product/" + p.slug}>{p.name}</Link>
          </h2>
          <p>
            <Money amount={p.price} />
          </p>
          <p>{p.blurb}</p>
        </li>
      ))}
    </ul>
  );
}

const SORTS = [
  { value: "featured", label: "Featured" },
  { value: "low", label: "Price: low to high" },
  { value: "high", label: "Price: high to low" },
];

// A listing's controls: price filters (checkboxes, not a form to submit) and a
// react-select "Sort by", whose input opens its menu on focus and closes it on blur.
function Category({ name, products }) {
  const [sort, setSort] = useState(SORTS[0]);
  const [under, setUnder] = useState(false);
  const [over, setOver] = useState(false);
  let items = products.filter((p) => p.category === name);
  if (under) items = items.filter((p) => Number(p.price) < 100);
  if (over) items = items.filter((p) => Number(p.price) >= 100);
  if (sort.value !== "featured") {
    const sign = sort.value === "low" ? 1 : -1;
    items = [...items].sort((a, b) => sign * (Number(a.price) - Number(b.price)));
  }
  return (
    <>
      <div className="filters">
        <fieldset>
          <legend>Price</legend>
          <label>
            <input type="checkbox" checked={under} onChange={(e) => setUnder(e.target.checked)} /> Under
            £100
          </label>
          <label>
            <input type="checkbox" checked={over} onChange={(e) => setOver(e.target.checked)} /> £100 and
            over
          </label>
        </fieldset>
        <div className="sort">
          <label htmlFor="sort-input" id="sort-label">
            Sort by
          </label>
          <Select
            inputId="sort-input"
            aria-labelledby="sort-label"
            options={SORTS}
            value={sort}
            onChange={setSort}
            openMenuOnFocus
            isSearchable={false}
            classNamePrefix="sort"
          />
        </div>
      </div>
      <p>{items.length} products</p>
      <Cards products={items} />
    </>
  );
}

function Field({ id, label, details, ...props }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={id} required defaultValue={details[id]} {...props} />
    </div>
  );
}

function Product({ product, added, onAdd }) {
  const add = (event) => {
    event.preventDefault();
    onAdd(product, event.target.elements.size.value);
  };
  return (
    <>
      <p className="price">
        <Money amount={product.price} testId="price" />
      </p>
      <p>{product.blurb}</p>
      <p data-testid="delivery-promise">Free delivery in 2 working days</p>
      <form method="post" onSubmit={add}>
        <div className="field">
          <label htmlFor="size">Size</label>
          <select id="size" name="size">
            {product.sizes.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="submit">Add to cart</button>
      </form>
      {added ? (
        <p className="notice" role="status">
          Added to your cart. <Link href="/cart">View cart</Link>
        </p>
      ) : null}
    </>
  );
}

function Cart({ cart }) {
  if (!cart.length) return <p>Your cart is empty.</p>;
  return (
    <>
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Size</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {cart.map((line, i) => (
            <tr key={i}>
              <th scope="row">{line.product.name}</th>
              <td>{line.size}</td>
              <td>
                <Money amount={line.product.price} testId={i === 0 ? "line-price" : undefined} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="cart-summary">
        Total:{" "}
        <strong>
          <Money amount={total(cart)} testId="cart-total" />
        </strong>
      </p>
      <p>
        <Link href="/checkout" className="button">
          Go to checkout
        </Link>
      </p>
    </>
  );
}

function Checkout({ cart, details }) {
  const next = (event) => {
    event.preventDefault();
    for (const input of event.target.elements) if (input.name) details[input.name] = input.value;
    navigate("/payment");
  };
  return (
    <>
      <p>
        Order total: <Money amount={total(cart)} testId="checkout-total" />
      </p>
      <p>Every field is required.</p>
      <form method="post" onSubmit={next}>
        <Field id="email" label="Email" type="email" autoComplete="email" details={details} />
        <Field id="name" label="Full name" autoComplete="name" details={details} />
        <Field id="address" label="Address" autoComplete="street-address" details={details} />
        <Field id="city" label="City" autoComplete="address-level2" details={details} />
        <Field id="postcode" label="Postcode" autoComplete="postal-code" details={details} />
        <button type="submit">Continue to payment</button>
      </form>
    </>
  );
}

function Payment({ cart, details, onPaid }) {
  const [paying, setPaying] = useState(false);
  const amount = total(cart);
  const pay = (event) => {
    event.preventDefault();
    setPaying(true);
    fetch("/api/orders", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ items: cart.map((l) => l.product.slug) }),
    })
      .then((r) => r.json())
      .then((order) => onPaid({ number: order.number, total: amount }));
  };
  return (
    <>
      <p>
        To pay: <Money amount={amount} testId="payment-total" />
      </p>
      <form method="post" onSubmit={pay}>
        <Field id="card" label="Card number" inputMode="numeric" autoComplete="cc-number" details={details} />
        <Field id="expiry" label="Expiry date (MM/YY)" autoComplete="cc-exp" details={details} />
        <button type="submit" disabled={paying}>
          Pay now
        </button>
      </form>
    </>
  );
}

function Order({ order }) {
  return (
    <>
      <p>
        Your order number is <strong data-testid="order-number">{order.number}</strong>.
      </p>
      <p>
        Total paid: <Money amount={order.total} testId="order-total" />
      </p>
      <p data-testid="delivery-estimate">It will be with you in 2 working days.</p>
      <p>We will email you when it ships, with a link to track your order.</p>
      <p>
        <Link href="/">Continue shopping</Link>
      </p>
    </>
  );
}

// The shop's one deliberate fault: the newsletter field's change handler logs a
// console error on every key (a validator that fails), as the tests expect to find.
function Newsletter() {
  const [done, setDone] = useState(false);
  const check = (event) => {
    console.error(`newsletter: email validator failed on ${event.target.value.length} characters`);
  };
  if (done) return <p role="status">Thanks, you are on the list.</p>;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setDone(true);
      }}
    >
      <div className="field">
        <label htmlFor="news-email">Email</label>
        <input id="news-email" name="email" type="email" autoComplete="email" onChange={check} />
      </div>
      <button type="submit">Subscribe</button>
    </form>
  );
}

const PAGES = {
  returns: ["Returns", "Send anything back within 30 days, free."],
  privacy: ["Privacy", "We use your details only to send your order."],
  contact: ["Contact us", "Write to help@fellandfield.example."],
};

function view(address, state, actions) {
  const [path, query] = address.split("?");
  const parts = path.split("/").filter(Boolean);
  const { products } = state;
  if (!parts.length) {
    return [
      "Gear for wet hills",
      <>
        <p>Shoes, jackets and socks for walking and running off road. Delivery in 2 working days.</p>
        <h2>Popular this week</h2>
        <Cards products={products.slice(0, 3)} />
      </>,
    ];
  }
  const [first, second] = parts;
  if (first === "category" && second) {
    const title = second.charAt(0).toUpperCase() + second.slice(1);
    return [title, <Category key={second} name={second} products={products} />];
  }
  if (first === "search") {
    const q = new URLSearchParams(query || "").get("q") || "";
    const items = products.filter((p) => (p.name + " " + p.blurb).toLowerCase().includes(q.toLowerCase()));
    return [
      "Results for " + q,
      <>
        <p role="status">{items.length} products found</p>
        <Cards products={items} />
      </>,
    ];
  }
  if (first === "product" && second) {
    const product = products.find((p) => p.slug === second);
    if (product) {
      const added = state.added === second;
      return [product.name, <Product product={product} added={added} onAdd={actions.add} />];
    }
  }
  if (first === "cart" && !second) return ["Your cart", <Cart cart={state.cart} />];
  if (first === "checkout" && !second) return ["Delivery details", <Checkout cart={state.cart} details={state.details} />];
  if (first === "payment" && !second) {
    return ["Payment", <Payment cart={state.cart} details={state.details} onPaid={actions.paid} />];
  }
  if (first === "order" && second) {
    return ["Thank you for your order", <Order order={state.order || { number: second, total: "0.00" }} />];
  }
  if (first === "newsletter" && !second) return ["Newsletter", <Newsletter />];
  if (PAGES[first] && !second) return [PAGES[first][0], <p>{PAGES[first][1]}</p>];
  return ["Page not found", <p>There is no page at this address.</p>];
}

/** The shop. ``initial`` is the data a pre-rendered page was rendered with. */
export default function App({ initial }) {
  const address = useSyncExternalStore(subscribe, currentAddress, () => initial.address);
  const [products, setProducts] = useState(initial.products || null);
  const [cart, setCart] = useState([]);
  const [added, setAdded] = useState(null);
  const [order, setOrder] = useState(null);
  const [details] = useState({});
  const first = useRef(address);
  useEffect(() => {
    if (products) return;
    fetch("/api/products")
      .then((r) => r.json())
      .then(setProducts);
  }, [products]);
  useEffect(() => {
    if (address.indexOf("/product/") !== 0) setAdded(null);
  }, [address]);
  if (!products) return <p>Loading…</p>;
  const actions = {
    add: (product, size) => {
      setCart((lines) => [...lines, { product, size }]);
      setAdded(product.slug);
    },
    paid: (placed) => {
      setOrder(placed);
      setCart([]);
      navigate("/order/" + placed.number);
    },
  };
  const [title, content] = view(address, { products, cart, added, order, details }, actions);
  return (
    <Layout title={title} count={cart.length} focusTitle={address !== first.current}>
      {content}
    </Layout>
  );
}
