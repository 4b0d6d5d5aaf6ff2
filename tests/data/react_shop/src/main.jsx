// The browser entry: a pre-rendered page (its data in a __NEXT_DATA__ script, as a
// Next.js page carries it) is hydrated; the one HTML page of every other address is
// rendered from nothing, the catalogue fetched from /api/products.
import React from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import App from "./App.jsx";

const data = document.getElementById("__NEXT_DATA__");
if (data) {
  const initial = JSON.parse(data.textContent).props.pageProps;
  hydrateRoot(document.getElementById("__next"), <App initial={initial} />);
} else {
  createRoot(document.getElementById("root")).render(<App initial={{}} />);
}
