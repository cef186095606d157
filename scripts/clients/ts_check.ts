// Every operation of the OpenAPI document called through openapi-fetch,
// typed by openapi-typescript from the same document, against a running
// `atp serve`; the parsed values are checked (figures of the brief, integers
// are integers). Fails if an operation of the document was not called.
//
// Usage: node ts_check.js BASE_URL SPEC_PATH   (ATP_WRITE_TOKEN: the
// server's write token). Compiled with `tsc --strict` and run by
// scripts/client-checks.sh, next to the generated `schema.d.ts`.

import { readFileSync } from "node:fs";
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.js";

const [base, specPath] = process.argv.slice(2);
const token = process.env.ATP_WRITE_TOKEN ?? "";
const UPLOAD = "ci-client-ts";

// The operations of the document, as "METHOD /path" -> operationId.
type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};
type Operation = {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, JsonSchema> } };
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
const operations = new Map<string, string>();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (op.operationId !== undefined) operations.set(`${method.toUpperCase()} ${path}`, op.operationId);
  }
}

/** The JSON types of a body against the schema: an integer is an integer,
 * null only where the schema allows it. Returns how many values it checked. */
function conforms(value: unknown, schema: JsonSchema, where: string): number {
  if (schema.$ref !== undefined) schema = spec.components.schemas[schema.$ref.split("/").pop() ?? ""];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives !== undefined) {
    for (const alt of alternatives) {
      try {
        return conforms(value, alt, where);
      } catch {
        // the next alternative
      }
    }
    throw new Error(`${where}: no alternative fits ${JSON.stringify(value)}`);
  }
  if (schema.type === undefined) return 0;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const kinds: Record<string, boolean> = {
    null: value === null,
    integer: Number.isInteger(value),
    number: typeof value === "number",
    string: typeof value === "string",
    boolean: typeof value === "boolean",
    array: Array.isArray(value),
    object: typeof value === "object" && value !== null && !Array.isArray(value),
  };
  check(types.some((t) => kinds[t]), `${where}: ${JSON.stringify(value)} is not ${types.join("|")}`);
  let checked = 1;
  if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    value.forEach((v, i) => (checked += conforms(v, items, `${where}[${i}]`)));
  } else if (kinds.object && schema.properties !== undefined) {
    const o = value as Record<string, unknown>;
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (name in o) checked += conforms(o[name], prop, `${where}.${name}`);
      else check(!(schema.required ?? []).includes(name), `${where}: no ${name}`);
    }
  }
  return checked;
}

const called = new Set<string>();
let typed = 0;
const record: Middleware = {
  onRequest({ request, schemaPath }) {
    const id = operations.get(`${request.method} ${schemaPath}`);
    if (id === undefined) throw new Error(`not an operation of the document: ${request.method} ${schemaPath}`);
    called.add(id);
    return undefined;
  },
  async onResponse({ request, response, schemaPath }) {
    const op = spec.paths[schemaPath][request.method.toLowerCase()];
    const content = op.responses[String(response.status)]?.content ?? {};
    for (const media of ["application/json", "application/problem+json"]) {
      const declared = content[media];
      if (declared !== undefined) typed += conforms(await response.clone().json(), declared.schema, op.operationId ?? "");
    }
    return undefined;
  },
};

const client = createClient<paths>({ baseUrl: base });
client.use(record);
const auth = { Authorization: `Bearer ${token}` };

function check(cond: boolean, what: string, value?: unknown): asserts cond {
  if (!cond) throw new Error(`${what}${value === undefined ? "" : `: ${JSON.stringify(value).slice(0, 400)}`}`);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** The parsed body of a response with `status`, or a thrown error. */
function must<T>(r: { data?: T; error?: unknown; response: Response }, label: string, status = 200): NonNullable<T> {
  check(r.response.status === status, `${label}: status ${r.response.status}`, r.error);
  check(r.data !== undefined && r.data !== null, `${label}: no body`);
  return r.data as NonNullable<T>;
}

/** The single record of a listing. */
function single<R>(envelope: { data: R[]; page: { total: number } }, label: string): R {
  check(envelope.data.length === 1 && envelope.page.total === 1, `${label}: ${envelope.data.length} records`);
  return envelope.data[0];
}

/** The rows of a CSV answer, by column (no quoted commas in what is read). */
function csvRows(text: string, label: string): Record<string, string>[] {
  check(typeof text === "string", `${label}: not text`);
  const [head, ...lines] = text.trimEnd().split(/\r?\n/);
  const cols = head.split(",");
  const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
  check(rows.length > 0, `${label}: no rows`);
  return rows;
}

const KR_2024 = { partner: ["KR"], group: ["all"], year: ["2024"] };
const WORLD_2024 = { partner: ["WLD"], group: ["all"], year: ["2024"] };
// Fresh objects: the generated query types take mutable arrays.
const GROWTH = { flow: "imports" as const, from: "2014", to: "2024", group: ["all"], partner: ["KR"] };
const text = { parseAs: "text" } as const;

async function service(): Promise<void> {
  check(must(await client.GET("/healthz"), "healthz").status === "ok", "healthz");
  const r = must(await client.GET("/readyz"), "readyz");
  check(r.status === "ready" && isInt(r.datasets) && r.datasets >= 3, "readyz", r);
}

async function flows(): Promise<void> {
  const kr = single(must(await client.GET("/v1/imports", { params: { query: KR_2024 } }), "imports"), "imports");
  check(kr.value_usd === 29_000_000_000 && isInt(kr.value_usd) && kr.flow === "imports", "KR imports 2024", kr);
  check(kr.year === 2024 && kr.rounding_usd === 100_000_000, "KR imports 2024 year, rounding", kr);
  const ex = single(must(await client.GET("/v1/exports", { params: { query: KR_2024 } }), "exports"), "exports");
  check(ex.value_usd === 13_000_000_000, "KR exports 2024", ex);
  const bal = single(must(await client.GET("/v1/balances", { params: { query: WORLD_2024 } }), "balances"), "balances");
  check(bal.balance_usd === -300_000_000_000 && isInt(bal.balance_usd), "world balance 2024", bal);
  check(bal.tsi !== null && Math.abs(bal.tsi + 300 / 1224) < 1e-12, "world TSI 2024", bal.tsi);
  const chg = must(
    await client.GET("/v1/imports", { params: { query: { partner: ["KR"], group: ["all"], units: "chg" } } }),
    "imports units=chg",
  );
  check(chg.meta.transform !== null && chg.meta.transform.units === "chg", "transform", chg.meta);
  const rows = csvRows(must(await client.GET("/v1/imports.csv", { params: { query: KR_2024 }, ...text }), "imports.csv"), "imports.csv");
  check(rows[0].value_usd === "29000000000", "imports.csv", rows[0]);
  const exRows = csvRows(must(await client.GET("/v1/exports.csv", { params: { query: KR_2024 }, ...text }), "exports.csv"), "exports.csv");
  check(exRows[0].value_usd === "13000000000", "exports.csv", exRows[0]);
  const balRows = csvRows(must(await client.GET("/v1/balances.csv", { params: { query: WORLD_2024 }, ...text }), "balances.csv"), "balances.csv");
  check(balRows[0].balance_usd === "-300000000000", "balances.csv", balRows[0]);
}

async function analytics(): Promise<void> {
  const g = single(must(await client.GET("/v1/growth", { params: { query: GROWTH } }), "growth"), "growth");
  check(g.start_usd === 5_187_835_420 && g.change_usd === 23_812_164_580 && isInt(g.change_usd), "growth", g);
  check(g.change_pct !== null && Math.abs(g.change_pct - 459) < 1e-6, "growth pct", g.change_pct);
  const gRows = csvRows(must(await client.GET("/v1/growth.csv", { params: { query: GROWTH }, ...text }), "growth.csv"), "growth.csv");
  check(gRows[0].change_usd === "23812164580", "growth.csv", gRows[0]);

  const sq = { flow: "imports" as const, year: ["2024"], group: ["all"], partner: ["KR"] };
  const s = single(must(await client.GET("/v1/shares", { params: { query: sq } }), "shares"), "shares");
  check(s.rank === 4 && isInt(s.rank) && s.world_usd === 762_000_000_000, "shares", s);
  const sRows = csvRows(must(await client.GET("/v1/shares.csv", { params: { query: sq }, ...text }), "shares.csv"), "shares.csv");
  check(sRows[0].rank === "4", "shares.csv", sRows[0]);

  const cq = { flow: "imports" as const, year: ["2024"], group: ["all"] };
  const c = single(must(await client.GET("/v1/concentration", { params: { query: cq } }), "concentration"), "concentration");
  check(c.partners === 5 && c.hhi !== null && Math.abs(c.hhi - 981.203629073925) < 1e-6, "concentration", c);
  const cRows = csvRows(must(await client.GET("/v1/concentration.csv", { params: { query: cq }, ...text }), "concentration.csv"), "concentration.csv");
  check(cRows[0].partners_covered === "CN;EU;JP;KR;MX", "concentration.csv", cRows[0]);

  const pp = { path: { code: "KR" }, query: { year: "2024" } };
  const p = must(await client.GET("/v1/partners/{code}/profile", { params: pp }), "profile");
  const all = p.data.filter((r) => r.group === "all");
  check(all.length === 1 && all[0].imports_usd === 29_000_000_000 && all[0].imports_rank === 4, "profile", all);
  const pRows = csvRows(must(await client.GET("/v1/partners/{code}/profile.csv", { params: pp, ...text }), "profile.csv"), "profile.csv");
  check(pRows.some((r) => r.group === "all" && r.imports_usd === "29000000000"), "profile.csv");

  const fq = { flow: "imports", dataset: "census-atp", horizon: 3 } as const;
  const f = must(await client.GET("/v1/forecasts", { params: { query: fq } }), "forecasts");
  check(f.page.total === 6 && new Set(f.data.map((r) => r.level_pct)).size === 2, "forecasts", f.page);
  for (const r of f.data) {
    check(isInt(r.forecast_usd) && isInt(r.lower_usd) && isInt(r.upper_usd), "forecast integers", r);
    check(r.lower_usd < r.forecast_usd && r.forecast_usd < r.upper_usd && r.status === "forecast", "forecast interval", r);
  }
  const fRows = csvRows(must(await client.GET("/v1/forecasts.csv", { params: { query: fq }, ...text }), "forecasts.csv"), "forecasts.csv");
  check(fRows.length === 6 && Number(fRows[0].forecast_usd) === f.data[0].forecast_usd, "forecasts.csv", fRows[0]);

  const dq = { flow: "imports" as const, from: "2014", to: "2024", group: ["all"], partner: ["KR"] };
  const d = must(await client.GET("/v1/decomposition", { params: { query: dq } }), "decomposition");
  const cells = d.data.filter((r) => r.kind === "cell");
  check(cells.length === 1 && cells[0].change_usd === 23_812_164_580, "decomposition", cells);
  const dRows = csvRows(must(await client.GET("/v1/decomposition.csv", { params: { query: dq }, ...text }), "decomposition.csv"), "decomposition.csv");
  check(dRows.some((r) => r.kind === "cell" && r.change_usd === "23812164580"), "decomposition.csv");

  const sh = single(must(await client.GET("/v1/decomposition/shares", { params: { query: dq } }), "share shifts"), "share shifts");
  check(sh.world_end_usd === 762_000_000_000 && isInt(sh.world_start_usd), "share shifts", sh);
  const shRows = csvRows(must(await client.GET("/v1/decomposition/shares.csv", { params: { query: dq }, ...text }), "shares.csv"), "share shifts.csv");
  check(shRows[0].world_end_usd === "762000000000", "share shifts.csv", shRows[0]);

  const iq = { indicator: ["hhi"], flow: "imports" as const, group: ["all"], year: ["2024"] };
  const i = single(must(await client.GET("/v1/indicators", { params: { query: iq } }), "indicators"), "indicators");
  check(i.indicator === "hhi" && i.value !== null && Math.abs(i.value - 981.203629073925) < 1e-6, "indicators", i);
  const iRows = csvRows(
    must(await client.GET("/v1/indicators.csv", { params: { query: iq }, ...text }), "indicators.csv"),
    "indicators.csv",
  );
  check(iRows[0].indicator === "hhi", "indicators.csv", iRows[0]);
}

async function scenarios(): Promise<void> {
  const q = { horizon: 2, partner: ["KR"] };
  const sc = must(await client.GET("/v1/scenarios", { params: { query: q } }), "scenario");
  const base = sc.data.filter((r) => r.partner === "WLD" && r.kind === "base");
  check(sc.page.total === 9 && base.length === 1 && base[0].balance_baseline_usd === -300_000_000_000, "scenario", base);
  check(csvRows(must(await client.GET("/v1/scenarios.csv", { params: { query: q }, ...text }), "scenarios.csv"), "scenarios.csv").length === 9, "scenarios.csv");
  const run = must(
    await client.POST("/v1/scenarios", {
      body: {
        horizon: 2,
        partners: ["KR"],
        tariffs: [{ partner: "KR", tariff_change_pp: 25 }],
        shocks: [{ flow: "exports", partner: "KR", change_pct: 10 }],
      },
    }),
    "run scenario",
  );
  const kr = run.data.filter((r) => r.partner === "KR" && r.period === "2025");
  check(kr.length === 1 && kr[0].imports_scenario_usd === 16_489_810_508, "scenario KR 2025 imports", kr);
  check(kr[0].exports_scenario_usd === 14_300_000_000 && isInt(kr[0].imports_difference_usd), "scenario KR 2025 exports", kr[0]);
}

async function charts(): Promise<void> {
  const svgs = [
    await client.GET("/v1/charts/group-balances.svg", { ...text }),
    await client.GET("/v1/charts/partner-shares.svg", { params: { query: { flow: "imports" } }, ...text }),
    await client.GET("/v1/charts/series.svg", { params: { query: { flow: "imports", partner: ["KR"] } }, ...text }),
    await client.GET("/v1/charts/waterfall.svg", { params: { query: { flow: "imports", lang: "ko" } }, ...text }),
  ];
  for (const r of svgs) {
    const svg = must(r, r.response.url);
    check(svg.includes("<svg") && svg.includes("</svg>"), `${r.response.url}: not SVG`);
  }
}

async function reference(): Promise<void> {
  const groups = must(await client.GET("/v1/groups"), "groups");
  check(groups.page.total === 13 && groups.data[0].id === "all", "groups", groups.page);
  check(csvRows(must(await client.GET("/v1/groups.csv", { ...text }), "groups.csv"), "groups.csv")[0].id === "all", "groups.csv");
  check(must(await client.GET("/v1/groups/{id}", { params: { path: { id: "all" } } }), "group").data.name_en === "All ATP groups", "group");
  const partners = must(await client.GET("/v1/partners"), "partners");
  check(partners.page.total > 200 && partners.page.total === partners.data.length, "partners", partners.page);
  check(csvRows(must(await client.GET("/v1/partners.csv", { ...text }), "partners.csv"), "partners.csv").some((r) => r.code === "KR"), "partners.csv");
  const kr = must(await client.GET("/v1/partners/{code}", { params: { path: { code: "KR" } } }), "partner").data;
  check(kr.name_en === "Korea, South" && kr.kind === "country", "partner", kr);
  const years = must(await client.GET("/v1/years"), "years");
  check(years.data.map((y) => y.year).join() === "2014,2024" && isInt(years.data[0].observations), "years", years.data);
  const yRows = csvRows(must(await client.GET("/v1/years.csv", { ...text }), "years.csv"), "years.csv");
  check(yRows.map((r) => r.year).join() === "2014,2024", "years.csv", yRows);
  const periods = must(await client.GET("/v1/periods", { params: { query: { dataset: "census-atp", frequency: "monthly" } } }), "periods");
  check(periods.data[0].period === "1989-01" && periods.data[0].month === 1, "periods", periods.data[0]);
  const pRows = csvRows(must(await client.GET("/v1/periods.csv", { params: { query: { dataset: "census-atp" } }, ...text }), "periods.csv"), "periods.csv");
  check(pRows[0].period === "1989", "periods.csv", pRows[0]);
  const ds = must(await client.GET("/v1/datasets", { params: { query: { format: "json" } } }), "datasets");
  const ids = ds.data.map((d) => d.id);
  check(["census-atp", "census-country", "kiat-2026-04"].every((id) => ids.includes(id)), "datasets", ids);
  const one = must(await client.GET("/v1/datasets/{id}", { params: { path: { id: "kiat-2026-04" } } }), "dataset").data;
  check(one.vintage === "2026-04" && one.row_count === 390, "dataset", one);
  const quality = must(await client.GET("/v1/datasets/{id}/quality", { params: { path: { id: "kiat-2026-04" } } }), "quality").data;
  check(isInt(quality.checks) && quality.checks === quality.passed + quality.failed, "quality", quality);
  const md = must(await client.GET("/v1/datasets/{id}/quality.md", { params: { path: { id: "kiat-2026-04" } }, ...text }), "quality.md");
  check(md.includes("kiat-2026-04"), "quality.md");
  const v = must(await client.GET("/v1/datasets/{id}/vintages", { params: { path: { id: "kiat-2026-04" } } }), "vintages");
  check(v.data.length === 1 && v.data[0].vintage === "2026-04" && v.data[0].latest, "vintages", v.data);
  const vRows = csvRows(must(await client.GET("/v1/datasets/{id}/vintages.csv", { params: { path: { id: "kiat-2026-04" } }, ...text }), "vintages.csv"), "vintages.csv");
  check(vRows[0].vintage === "2026-04", "vintages.csv", vRows[0]);
  // The whole dataset as one file (issue 15): CSV (fetch decodes the gzip), Parquet.
  const dl = { params: { path: { id: "kiat-2026-04" } } };
  const dlRows = csvRows(must(await client.GET("/v1/datasets/{id}/download", { ...dl, ...text }), "download"), "download");
  check(dlRows.length === 390 && dlRows[0].vintage === "2026-04", "download", dlRows.length);
  const pq = must(
    await client.GET("/v1/datasets/{id}/download", {
      params: { path: { id: "kiat-2026-04" }, query: { format: "parquet" } },
      parseAs: "arrayBuffer",
    }),
    "download parquet",
  );
  check(new TextDecoder().decode(new Uint8Array(pq).slice(0, 4)) === "PAR1", "download parquet");
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function uploadReviseDelete(): Promise<void> {
  const sheet = (kr2024: number, tag: string): string =>
    "dataset,group,partner,period,flow,value_usd,status,citation\n" +
    `${UPLOAD},all,KR,2023,imports,1000,reported,${tag}\n` +
    `${UPLOAD},all,KR,2024,imports,${kr2024},reported,${tag}\n` +
    `${UPLOAD},all,KR,2024,exports,700,reported,${tag}\n`;
  for (const [vintage, value, published] of [["v1", 1500, "2025-01-15"], ["v2", 1600, "2025-02-15"]] as const) {
    const created = must(
      await client.POST("/v1/datasets", {
        params: { query: { dataset: UPLOAD, vintage, filename: `${vintage}.csv`, published_on: published } },
        headers: { ...auth, "Content-Type": "application/octet-stream" },
        body: sheet(value, vintage),
        bodySerializer: (b) => b,
      }),
      `upload ${vintage}`,
      201,
    );
    check(created.data.id === UPLOAD && created.data.vintage === vintage && created.data.row_count === 3, "upload", created.data);
  }
  // The read model is swapped in by the refresher: wait for both vintages.
  for (let deadline = Date.now() + 30_000; ; await sleep(200)) {
    const r = await client.GET("/v1/datasets/{id}", { params: { path: { id: UPLOAD } } });
    if (r.data !== undefined && r.data.data.vintages.join() === "v1,v2") break;
    check(Date.now() < deadline, "upload not served", r.error);
  }
  const up = single(must(await client.GET("/v1/imports", { params: { query: { dataset: UPLOAD, ...KR_2024 } } }), "upload imports"), "upload imports");
  check(up.value_usd === 1600, "upload imports", up);
  const rq = { query: { dataset: UPLOAD } };
  const rev = single(must(await client.GET("/v1/revisions", { params: rq }), "revisions"), "revisions");
  check(rev.from_vintage === "v1" && rev.to_vintage === "v2" && rev.old_usd === 1500 && rev.new_usd === 1600 && rev.change_usd === 100, "revisions", rev);
  check(csvRows(must(await client.GET("/v1/revisions.csv", { params: rq, ...text }), "revisions.csv"), "revisions.csv")[0].change_usd === "100", "revisions.csv");
  const v = must(await client.GET("/v1/datasets/{id}/vintages", { params: { path: { id: UPLOAD } } }), "upload vintages");
  check(v.data.map((x) => `${x.vintage}:${x.latest}:${x.published_on}`).join() === "v1:false:2025-01-15,v2:true:2025-02-15", "upload vintages", v.data);
  const cmpParams = {
    query: { dataset: UPLOAD, against: "kiat-2026-04", flow: ["imports"], partner: ["KR"], group: ["all"], period: ["2024"] },
  };
  const cmp = single(must(await client.GET("/v1/compare", { params: cmpParams }), "compare"), "compare");
  check(cmp.value_usd === 1600 && cmp.against_usd === 29_000_000_000 && cmp.difference_usd === 1600 - 29_000_000_000, "compare", cmp);
  check(csvRows(must(await client.GET("/v1/compare.csv", { params: cmpParams, ...text }), "compare.csv"), "compare.csv")[0].against_usd === "29000000000", "compare.csv");
  const del = await client.DELETE("/v1/datasets/{id}", { params: { path: { id: UPLOAD } }, headers: auth });
  check(del.response.status === 204, "delete", del.error);
  for (let deadline = Date.now() + 30_000; ; await sleep(200)) {
    const r = await client.GET("/v1/datasets/{id}", { params: { path: { id: UPLOAD } } });
    if (r.response.status === 404) {
      check(r.error !== undefined && r.error.status === 404 && r.error.type.startsWith("/problems/"), "404 problem", r.error);
      break;
    }
    check(Date.now() < deadline, "deleted dataset still served");
  }
}

async function problems(): Promise<void> {
  const r = await client.GET("/v1/imports", { params: { query: { year: ["20x4"] } } });
  check(r.response.status === 400 && r.error !== undefined, "bad year", r.error);
  check(r.error.status === 400 && r.error.parameter === "year" && r.error.value === "20x4", "problem", r.error);
  // The problem's type resolves to its page (pages are not operations).
  const page = await fetch(new URL(r.error.type, base));
  check(page.status === 200 && (await page.text()).includes(r.error.type), "problem page");
  const index = await fetch(new URL("/problems", base));
  check(index.status === 200 && (await index.text()).includes("/problems/invalid-parameter"), "problem index");
  const denied = await client.DELETE("/v1/datasets/{id}", { params: { path: { id: "kiat-2026-04" } }, headers: { Authorization: "Bearer wrong" } });
  check(denied.response.status === 403 && denied.error !== undefined && denied.error.status === 403, "wrong token", denied.error);
}

async function main(): Promise<void> {
  const started = Date.now();
  for (const step of [service, flows, analytics, scenarios, charts, reference, uploadReviseDelete, problems]) {
    await step();
  }
  const missing = [...operations.values()].filter((id) => !called.has(id)).sort();
  if (missing.length > 0) throw new Error(`operations never called: ${missing.join(", ")}`);
  console.log(
    `typescript client (openapi-typescript + openapi-fetch): ${called.size}/${operations.size} operations called, ` +
      `${typed} values' JSON types checked against the schema, 0 errors (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

main().catch((e: unknown) => {
  console.error(`typescript client: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
