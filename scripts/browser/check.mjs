// Renders the landing page and every chart kind in headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core), in English and
// Korean, against a running `atp serve`:
// - the landing page loads with no console error and no failed request, and
//   every chart image in it is drawn;
// - each chart has the number of bars, points, line segments or waterfall
//   steps that the same data, read as JSON from the API, says it must;
// - the Korean charts' Hangul is drawn in a Korean font (Chrome's own
//   report of the platform fonts used for the text: no fallback that lacks
//   the glyphs);
// - a screenshot of each is written to the output directory.
//
// Usage: node scripts/browser/check.mjs http://127.0.0.1:PORT OUTPUT_DIR

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.argv[2];
const out = process.argv[3] || "/tmp/atp-browser";
mkdirSync(out, { recursive: true });
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`FAIL ${what}`);
};
const ok = (what) => console.log(`ok   ${what}`);

async function json(path) {
  const r = await fetch(base + path);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()).data;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 900, height: 600 } });

/** Opens a page, recording console errors and failed requests. */
async function open(path) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(base + path, { waitUntil: "load" });
  if (!response || response.status() !== 200) problems.push(`HTTP ${response?.status()} for ${path}`);
  return { page, problems };
}

/** The platform fonts Chrome used for the text of the first element matching `selector`. */
async function fontsOf(page, selector) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  if (!nodeId) return [];
  // The text node inside the element.
  const { node } = await cdp.send("DOM.describeNode", { nodeId, depth: 1 });
  const text = (node.children || []).find((c) => c.nodeType === 3);
  const target = text ? text.backendNodeId : node.backendNodeId;
  const { nodeIds } = await cdp.send("DOM.pushNodesByBackendIdsToFrontend", { backendNodeIds: [target] });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId: nodeIds[0] });
  return fonts;
}

// --- the landing page, in both languages -------------------------------
for (const lang of ["en", "ko"]) {
  const path = lang === "ko" ? "/?lang=ko" : "/";
  const { page, problems } = await open(path);
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 30000 });
  const images = await page.$$eval("img", (imgs) => imgs.map((i) => ({ src: i.src, w: i.naturalWidth })));
  if (images.length < 4) fail(`landing ${lang}: ${images.length} chart images, expected at least 4`);
  for (const i of images) if (i.w === 0) fail(`landing ${lang}: image not drawn: ${i.src}`);
  const htmlLang = await page.getAttribute("html", "lang");
  if (htmlLang !== lang) fail(`landing ${lang}: <html lang="${htmlLang}">`);
  const links = await page.$$eval("a", (as) => as.map((a) => a.getAttribute("href")));
  for (const needed of ["/docs/", "/v1/datasets", "/v1/datasets/kiat-2026-04/quality?format=markdown"]) {
    if (!links.includes(needed)) fail(`landing ${lang}: no link to ${needed}`);
  }
  if (lang === "ko") {
    const fonts = await fontsOf(page, "h1");
    const names = fonts.map((f) => f.familyName).join(", ");
    if (!fonts.some((f) => /CJK|KR/.test(f.familyName))) fail(`landing ko: h1 drawn in ${names}, not a Korean font`);
    else ok(`landing ko: Hangul drawn in ${names}`);
  }
  for (const p of problems) fail(`landing ${lang}: ${p}`);
  await page.screenshot({ path: `${out}/landing-${lang}.png`, fullPage: true });
  if (problems.length === 0) ok(`landing ${lang}: ${images.length} charts drawn, no console error`);
  await page.close();
}

// --- each chart kind: elements counted against the data ----------------
const brief = await json("/v1/groups");
void brief;
const balances = await json("/v1/balances?partner=WLD&period=2014,2024");
const groupBars = balances.filter((r) => r.group !== "all" && r.balance_usd !== null).length;
const shares = await json("/v1/shares?flow=imports&group=all&period=2014,2024");
const ranked2024 = shares.filter((r) => r.period === "2024" && r.rank !== null).map((r) => r.partner).slice(0, 12);
const shareBars = shares.filter((r) => ranked2024.includes(r.partner) && r.share_pct !== null).length;
const series = await json("/v1/imports?dataset=census-atp&partner=WLD&group=all&frequency=monthly&from=2015-01&to=2024-12");
const decomposition = await json("/v1/decomposition?flow=balance&from=2014&to=2024&by=group");
const cells = decomposition.filter((r) => r.kind === "cell").length;
const residual = decomposition.find((r) => r.kind === "residual");
// Start, up to ten cells, "other" (the residual and the cells past ten) when not zero, end.
const steps = 2 + Math.min(cells, 10) + (residual.change_usd !== 0 || cells > 10 ? 1 : 0);

const kinds = [
  { name: "group-balances", path: "/v1/charts/group-balances.svg", selector: ".bar", expected: groupBars },
  { name: "partner-shares", path: "/v1/charts/partner-shares.svg?flow=imports", selector: ".bar", expected: shareBars },
  { name: "series", path: "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2015-01&to=2024-12", selector: ".point", expected: series.length },
  { name: "series segments", path: "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2015-01&to=2024-12", selector: ".segment", expected: 1 },
  { name: "series forecast points", path: "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2022-01&to=2023-12&forecast=12", selector: ".point", expected: 24 + 13 },
  { name: "series forecast bands", path: "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2022-01&to=2023-12&forecast=12", selector: ".band", expected: 2 },
  { name: "waterfall", path: "/v1/charts/waterfall.svg?flow=balance&by=group", selector: ".step", expected: steps },
];
for (const k of kinds) {
  for (const lang of ["en", "ko"]) {
    const sep = k.path.includes("?") ? "&" : "?";
    const path = lang === "ko" ? `${k.path}${sep}lang=ko` : k.path;
    const { page, problems } = await open(path);
    const count = await page.$$eval(k.selector, (els) => els.length);
    if (count !== k.expected) fail(`${k.name} ${lang}: ${count} ${k.selector}, expected ${k.expected}`);
    const title = await page.$eval("title", (t) => t.textContent);
    const desc = await page.$eval("desc", (d) => d.textContent);
    if (!title || !desc) fail(`${k.name} ${lang}: no <title> or <desc>`);
    const dataLink = await page.$$eval("a", (as) => as.map((a) => a.getAttribute("href") || a.getAttribute("xlink:href")));
    if (!dataLink.some((h) => h && h.includes("format=csv"))) fail(`${k.name} ${lang}: no link to the data as CSV`);
    if (lang === "ko") {
      if (!/[\uac00-\ud7a3]/.test(title)) fail(`${k.name} ko: the title has no Hangul: ${title}`);
      const fonts = await fontsOf(page, "text.heading");
      const names = fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(", ");
      if (!fonts.some((f) => /CJK|KR/.test(f.familyName))) fail(`${k.name} ko: Hangul drawn in ${names}, not a Korean font`);
      else ok(`${k.name} ko: Hangul drawn in ${names}`);
    }
    for (const p of problems) fail(`${k.name} ${lang}: ${p}`);
    await page.screenshot({ path: `${out}/${k.name.replace(/ /g, "-")}-${lang}.png` });
    if (count === k.expected) ok(`${k.name} ${lang}: ${count} ${k.selector}`);
    await page.close();
  }
}

await browser.close();
if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log(`browser checks: all passed; screenshots in ${out}`);
