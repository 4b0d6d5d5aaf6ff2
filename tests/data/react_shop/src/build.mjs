// Builds the shop fixture from this folder's sources and the npm packages in
// package-lock.json (make react-shop runs `npm ci` then this):
//   ../app.js                     React, react-dom and react-select with the shop, one minified file
//   ../prerendered/product/*.html pages rendered ahead of time, hydrated in the browser (Next-style)
//   ../app.js.LICENSES.txt        the licence of every npm package bundled into either
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const shop = resolve(here, "..");
const common = {
  bundle: true,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
};

const browser = await build({
  ...common,
  entryPoints: [join(here, "main.jsx")],
  outfile: join(shop, "app.js"),
  platform: "browser",
  format: "iife",
  target: "es2019",
  minify: true,
  banner: { js: "/* Fell & Field, built by src/build.mjs (make react-shop); licences: app.js.LICENSES.txt */" },
});

const server = await build({
  ...common,
  entryPoints: [join(here, "prerender.jsx")],
  outfile: join(here, "node_modules", ".prerender.cjs"),
  platform: "node",
  format: "cjs",
});
const { prerender } = createRequire(import.meta.url)(join(here, "node_modules", ".prerender.cjs"));
const products = JSON.parse(readFileSync(join(shop, "products.json"), "utf8"));
const pages = join(shop, "prerendered", "product");
mkdirSync(pages, { recursive: true });
for (const slug of ["fell-boot"]) {
  const html = prerender(`/product/${slug}`, products, "/product/[slug]", { slug });
  writeFileSync(join(pages, `${slug}.html`), html);
}

// Every package an input came from, by its folder under node_modules.
const packages = new Map();
for (const input of [...Object.keys(browser.metafile.inputs), ...Object.keys(server.metafile.inputs)]) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.set(match[1], join(here, "node_modules", match[1]));
}
const sections = [...packages.keys()].sort().map((name) => {
  const folder = packages.get(name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`;
  return `${"=".repeat(72)}\n${name} ${meta.version} (${meta.license})\n${"=".repeat(72)}\n${text}\n`;
});
writeFileSync(
  join(shop, "app.js.LICENSES.txt"),
  "The npm packages bundled into app.js and the pre-rendered pages (built by src/build.mjs),\n" +
    "each with its licence as its package ships it.\n\n" +
    sections.join("\n"),
);
console.log(`app.js ${readFileSync(join(shop, "app.js")).length} bytes; ${packages.size} packages`);
