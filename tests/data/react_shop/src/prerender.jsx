// Run by build.mjs in Node: the pages rendered ahead of time, as `next build` renders
// a page with getStaticProps. Each is the shop's HTML for one address, with the data
// it was rendered from in a __NEXT_DATA__ script for the browser to hydrate with.
import React from "react";
import { renderToString } from "react-dom/server";
import App from "./App.jsx";

const escapeJson = (value) => JSON.stringify(value).replace(/</g, "\\u003c");

export function prerender(address, products, page, query) {
  const pageProps = { address, products };
  const body = renderToString(<App initial={pageProps} />);
  const product = products.find((p) => p.slug === query.slug);
  const data = { props: { pageProps }, page, query, buildId: "fixture", isFallback: false };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${product.name} | Fell &amp; Field</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/static/shop.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="__next">${body}</div>
<script id="__NEXT_DATA__" type="application/json">${escapeJson(data)}</script>
<script src="/static/app.js"></script>
</body>
</html>
`;
}
