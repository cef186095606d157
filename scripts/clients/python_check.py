"""Every operation of the OpenAPI document called through a client that
openapi-python-client generated from it, against a running `atp serve`,
with the parsed values checked (figures of the brief, types: an integer is
an `int`). Fails if an operation of the document was not called.

Usage: python_check.py BASE_URL SPEC_PATH   (ATP_WRITE_TOKEN: the server's
write token). Run by scripts/client-checks.sh.
"""

import csv
import datetime
import importlib
import io
import json
import os
import sys
import time

from atp_client import AuthenticatedClient
from atp_client.models import (
    FlowParam,
    ScenarioBody,
    ShockBody,
    TariffBody,
)
from atp_client.types import File, Response

BASE, SPEC_PATH = sys.argv[1], sys.argv[2]
TOKEN = os.environ["ATP_WRITE_TOKEN"]
SPEC = json.load(open(SPEC_PATH, encoding="utf-8"))
TAG_OF = {
    op["operationId"]: op["tags"][0]
    for item in SPEC["paths"].values()
    for method, op in item.items()
    if method in ("get", "post", "put", "patch", "delete")
}
OPS = {
    op["operationId"]: op
    for item in SPEC["paths"].values()
    for method, op in item.items()
    if method in ("get", "post", "put", "patch", "delete")
}
SCHEMAS = SPEC["components"]["schemas"]
TYPED = [0]  # values whose JSON type was checked against the schema
CLIENT = AuthenticatedClient(base_url=BASE, token=TOKEN, timeout=120.0)
CALLED: set[str] = set()
UPLOAD = "ci-client-py"


def conforms(value: object, schema: dict, where: str) -> None:
    """The JSON types of a parsed body, as the client's `to_dict` gives it
    back, against the schema: an integer is an `int` (never a float), a
    number an `int` or `float`, a string a `str`, nullable only where the
    schema says so."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            errors = []
            for alt in schema[key]:
                try:
                    conforms(value, alt, where)
                    return
                except AssertionError as e:
                    errors.append(str(e))
            raise AssertionError(f"{where}: no alternative fits: {errors}")
    types = schema.get("type")
    if types is None:
        return
    types = types if isinstance(types, list) else [types]
    ok = {
        "null": value is None,
        "integer": type(value) is int,
        "number": type(value) in (int, float),
        "string": type(value) is str,
        "boolean": type(value) is bool,
        "array": type(value) is list,
        "object": type(value) is dict,
    }
    assert any(ok[t] for t in types), f"{where}: {value!r} is not {types}"
    TYPED[0] += 1
    if type(value) is list and "items" in schema:
        for i, v in enumerate(value):
            conforms(v, schema["items"], f"{where}[{i}]")
    if type(value) is dict:
        for name, prop in schema.get("properties", {}).items():
            if name in value:
                conforms(value[name], prop, f"{where}.{name}")
            else:
                assert name not in schema.get("required", []), f"{where}: no {name}"


def call(op_id: str, status: int = 200, **kwargs) -> object:
    """Calls an operation by its id through the generated module of its tag;
    checks the status and returns the parsed body."""
    module = importlib.import_module(f"atp_client.api.{TAG_OF[op_id]}.{op_id}")
    r: Response = module.sync_detailed(client=CLIENT, **kwargs)
    CALLED.add(op_id)
    assert r.status_code == status, f"{op_id}: {r.status_code} {r.content[:300]!r}"
    content = OPS[op_id]["responses"][str(status)].get("content", {})
    for media in ("application/json", "application/problem+json"):
        if media in content:
            conforms(r.parsed.to_dict(), content[media]["schema"], op_id)
    return r.parsed


def is_int(v: object) -> bool:
    return type(v) is int


def one(envelope, op_id: str):
    assert len(envelope.data) == 1, f"{op_id}: {len(envelope.data)} records"
    assert is_int(envelope.page.total) and envelope.page.total == 1, op_id
    return envelope.data[0]


def csv_rows(text: str, op_id: str) -> list[dict[str, str]]:
    assert isinstance(text, str), f"{op_id}: {type(text)}"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, f"{op_id}: no rows"
    return rows


KR_2024 = dict(partner=["KR"], group=["all"], year=["2024"])
WORLD_2024 = dict(partner=["WLD"], group=["all"], year=["2024"])
GROWTH = dict(flow=FlowParam.IMPORTS, from_="2014", to="2024", group=["all"], partner=["KR"])


def service() -> None:
    assert call("check_health").status == "ok"
    r = call("check_readiness")
    assert r.status == "ready" and r.backend == "sqlite", r
    assert is_int(r.datasets) and r.datasets >= 3 and is_int(r.observations), r


def flows() -> None:
    kr = one(call("list_imports", **KR_2024), "list_imports")
    assert kr.value_usd == 29_000_000_000 and is_int(kr.value_usd), kr
    assert kr.flow.value == "imports" and kr.partner_kind.value == "country"
    assert is_int(kr.year) and kr.year == 2024 and kr.rounding_usd == 100_000_000
    ex = one(call("list_exports", **KR_2024), "list_exports")
    assert ex.value_usd == 13_000_000_000 and is_int(ex.value_usd), ex
    bal = one(call("list_balances", **WORLD_2024), "list_balances")
    assert bal.balance_usd == -300_000_000_000 and is_int(bal.balance_usd), bal
    assert bal.imports_usd == 762_000_000_000 and bal.exports_usd == 462_000_000_000
    assert isinstance(bal.tsi, float) and abs(bal.tsi - (-300 / 1224)) < 1e-12, bal.tsi
    # A transform: the change from 2014 to 2024 as FRED's `chg` says it.
    e = call("list_imports", partner=["KR"], group=["all"], units=call_enum("UnitsParam", "chg"))
    assert e.meta.transform is not None and e.meta.transform.units == "chg", e.meta
    # The CSV forms: the same figures.
    for op, col, want in [
        ("list_imports_csv", "value_usd", "29000000000"),
        ("list_exports_csv", "value_usd", "13000000000"),
    ]:
        rows = csv_rows(call(op, **KR_2024), op)
        assert rows[0][col] == want, (op, rows[0])
    rows = csv_rows(call("list_balances_csv", **WORLD_2024), "list_balances_csv")
    assert rows[0]["balance_usd"] == "-300000000000", rows[0]


def call_enum(name: str, value: str):
    """A value of a generated enum, by its wire value."""
    module = importlib.import_module("atp_client.models")
    return getattr(module, name)(value)


def analytics() -> None:
    g = one(call("list_growth", **GROWTH), "list_growth")
    assert g.start_usd == 5_187_835_420 and g.end_usd == 29_000_000_000, g
    assert is_int(g.change_usd) and g.change_usd == 23_812_164_580
    assert isinstance(g.change_pct, float) and abs(g.change_pct - 459.0) < 1e-6
    rows = csv_rows(call("list_growth_csv", **GROWTH), "list_growth_csv")
    assert rows[0]["change_usd"] == "23812164580", rows[0]

    s = one(
        call("list_shares", flow=FlowParam.IMPORTS, year=["2024"], group=["all"], partner=["KR"]),
        "list_shares",
    )
    assert s.rank == 4 and is_int(s.rank) and s.world_usd == 762_000_000_000, s
    assert abs(s.share_pct - 29 / 762 * 100) < 1e-9
    rows = csv_rows(
        call("list_shares_csv", flow=FlowParam.IMPORTS, year=["2024"], group=["all"], partner=["KR"]),
        "list_shares_csv",
    )
    assert rows[0]["rank"] == "4", rows[0]

    c = one(call("list_concentration", flow=FlowParam.IMPORTS, year=["2024"], group=["all"]), "list_concentration")
    assert is_int(c.partners) and c.partners == 5 and abs(c.hhi - 981.203629073925) < 1e-6, c
    rows = csv_rows(
        call("list_concentration_csv", flow=FlowParam.IMPORTS, year=["2024"], group=["all"]),
        "list_concentration_csv",
    )
    assert rows[0]["partners_covered"] == "CN;EU;JP;KR;MX", rows[0]

    p = call("find_partner_profile", code="KR", year="2024")
    kr_all = [r for r in p.data if r.group == "all"]
    assert len(kr_all) == 1 and kr_all[0].imports_usd == 29_000_000_000, kr_all
    assert is_int(kr_all[0].imports_rank) and kr_all[0].imports_rank == 4
    rows = csv_rows(call("find_partner_profile_csv", code="KR", year="2024"), "find_partner_profile_csv")
    assert any(r["group"] == "all" and r["imports_usd"] == "29000000000" for r in rows)

    f = call("list_forecasts", flow=FlowParam.IMPORTS, dataset="census-atp", horizon=3)
    assert f.page.total == 6 and {r.level_pct for r in f.data} == {80, 95}, f.page
    for r in f.data:
        assert is_int(r.forecast_usd) and is_int(r.lower_usd) and is_int(r.upper_usd), r
        assert r.lower_usd < r.forecast_usd < r.upper_usd, r
        assert r.period in ("2025", "2026", "2027") and r.status.value == "forecast"
    rows = csv_rows(
        call("list_forecasts_csv", flow=FlowParam.IMPORTS, dataset="census-atp", horizon=3),
        "list_forecasts_csv",
    )
    assert len(rows) == 6 and int(rows[0]["forecast_usd"]) == f.data[0].forecast_usd

    d = call("list_decomposition", flow=FlowParam.IMPORTS, from_="2014", to="2024", group=["all"], partner=["KR"])
    cell = [r for r in d.data if r.kind.value == "cell"]
    assert len(cell) == 1 and cell[0].change_usd == 23_812_164_580 and is_int(cell[0].rank), cell
    rows = csv_rows(
        call("list_decomposition_csv", flow=FlowParam.IMPORTS, from_="2014", to="2024", group=["all"], partner=["KR"]),
        "list_decomposition_csv",
    )
    assert any(r["kind"] == "cell" and r["change_usd"] == "23812164580" for r in rows)

    sh = one(
        call("list_share_shifts", flow=FlowParam.IMPORTS, from_="2014", to="2024", group=["all"], partner=["KR"]),
        "list_share_shifts",
    )
    assert sh.world_end_usd == 762_000_000_000 and is_int(sh.world_start_usd), sh
    assert abs(sh.change_pp - (sh.own_growth_pp + sh.market_pp)) < 1e-9
    rows = csv_rows(
        call("list_share_shifts_csv", flow=FlowParam.IMPORTS, from_="2014", to="2024", group=["all"], partner=["KR"]),
        "list_share_shifts_csv",
    )
    assert rows[0]["world_end_usd"] == "762000000000", rows[0]

    ind = call(
        "list_indicators",
        indicator=["hhi"],
        flow=FlowParam.IMPORTS,
        group=["all"],
        year=["2024"],
    )
    i = one(ind, "list_indicators")
    assert i.indicator == "hhi" and abs(i.value - 981.203629073925) < 1e-6, i
    assert is_int(i.partners_covered) and i.partners_covered == 5
    rows = csv_rows(
        call(
            "list_indicators_csv",
            indicator=["hhi"],
            flow=FlowParam.IMPORTS,
            group=["all"],
            year=["2024"],
        ),
        "list_indicators_csv",
    )
    assert rows[0]["indicator"] == "hhi", rows[0]


def scenarios() -> None:
    sc = call("find_scenario", horizon=2, partner=["KR"])
    base = [r for r in sc.data if r.partner == "WLD" and r.kind == "base"]
    assert len(base) == 1 and base[0].balance_baseline_usd == -300_000_000_000, base
    assert is_int(base[0].imports_baseline_usd) and sc.page.total == 9
    rows = csv_rows(call("find_scenario_csv", horizon=2, partner=["KR"]), "find_scenario_csv")
    assert len(rows) == 9
    body = ScenarioBody(
        horizon=2,
        partners=["KR"],
        tariffs=[TariffBody(partner="KR", tariff_change_pp=25.0)],
        shocks=[ShockBody(flow="exports", partner="KR", change_pct=10.0)],
    )
    run = call("run_scenario", body=body)
    kr = [r for r in run.data if r.partner == "KR" and r.period == "2025"]
    assert len(kr) == 1, kr
    # 29e9 x 1.25^-2.53 (the default elasticity), to the dollar.
    assert kr[0].imports_scenario_usd == 16_489_810_508, kr[0]
    assert kr[0].imports_difference_usd == -12_510_189_492 and is_int(kr[0].imports_difference_usd)
    assert kr[0].exports_scenario_usd == 14_300_000_000, kr[0].exports_scenario_usd


def charts() -> None:
    for op, kw in [
        ("chart_group_balances", {}),
        ("chart_partner_shares", {"flow": FlowParam.IMPORTS}),
        ("chart_series", {"flow": FlowParam.IMPORTS, "partner": ["KR"]}),
        ("chart_waterfall", {"flow": FlowParam.IMPORTS, "lang": call_enum("LangParam", "ko")}),
    ]:
        svg = call(op, **kw)
        assert isinstance(svg, str) and "<svg" in svg and "</svg>" in svg, (op, str(svg)[:200])


def reference() -> None:
    groups = call("list_groups")
    assert groups.page.total == len(groups.data) == 13 and groups.data[0].id == "all"
    assert csv_rows(call("list_groups_csv"), "list_groups_csv")[0]["id"] == "all"
    assert call("find_group", id="all").data.name_en == "All ATP groups"
    partners = call("list_partners")
    assert partners.page.total == len(partners.data) and partners.page.total > 200
    assert any(r["code"] == "KR" for r in csv_rows(call("list_partners_csv"), "list_partners_csv"))
    kr = call("find_partner", code="KR").data
    assert kr.name_en == "Korea, South" and kr.kind.value == "country", kr
    years = call("list_years")
    assert [y.year for y in years.data] == [2014, 2024] and is_int(years.data[0].observations)
    assert [r["year"] for r in csv_rows(call("list_years_csv"), "list_years_csv")] == ["2014", "2024"]
    periods = call("list_periods", dataset="census-atp", frequency=call_enum("FrequencyParam", "monthly"))
    assert periods.data[0].period == "1989-01" and periods.data[0].month == 1, periods.data[0]
    rows = csv_rows(call("list_periods_csv", dataset="census-atp"), "list_periods_csv")
    assert rows[0]["period"] == "1989", rows[0]
    ds = call("list_datasets", format_=call_enum("ListDatasetsFormat", "json"))
    ids = [d.id for d in ds.data]
    assert {"census-atp", "census-country", "kiat-2026-04"} <= set(ids), ids
    one_ds = call("find_dataset", id="kiat-2026-04").data
    assert one_ds.vintage == "2026-04" and is_int(one_ds.row_count) and one_ds.row_count == 390
    q = call("find_dataset_quality", id="kiat-2026-04")
    assert is_int(q.data.checks) and q.data.checks == q.data.passed + q.data.failed, q.data
    md = call("find_dataset_quality_md", id="kiat-2026-04")
    assert isinstance(md, str) and "kiat-2026-04" in md
    v = call("list_dataset_vintages", id="kiat-2026-04")
    assert [x.vintage for x in v.data] == ["2026-04"] and v.data[0].latest is True
    rows = csv_rows(call("list_dataset_vintages_csv", id="kiat-2026-04"), "list_dataset_vintages_csv")
    assert rows[0]["vintage"] == "2026-04"
    # The whole dataset as one file (issue 15): the raw bytes, CSV (httpx
    # takes it gzip-encoded and decodes it) and Parquet.
    download = importlib.import_module(f"atp_client.api.{TAG_OF['download_dataset']}.download_dataset")
    CALLED.add("download_dataset")
    r = download.sync_detailed(client=CLIENT, id="kiat-2026-04")
    assert r.status_code == 200, r.status_code
    rows = csv_rows(r.content.decode(), "download_dataset")
    assert len(rows) == 390 and rows[0]["vintage"] == "2026-04", len(rows)
    r = download.sync_detailed(client=CLIENT, id="kiat-2026-04", format_=call_enum("DownloadFormat", "parquet"))
    assert r.status_code == 200 and r.content[:4] == b"PAR1", r.content[:8]


def upload_revise_delete() -> None:
    header = "dataset,group,partner,period,flow,value_usd,status,citation\n"

    def sheet(kr_2024: int, tag: str) -> bytes:
        return (
            header
            + f"{UPLOAD},all,KR,2023,imports,1000,reported,{tag}\n"
            + f"{UPLOAD},all,KR,2024,imports,{kr_2024},reported,{tag}\n"
            + f"{UPLOAD},all,KR,2024,exports,700,reported,{tag}\n"
        ).encode()

    for vintage, value, published in [("v1", 1500, "2025-01-15"), ("v2", 1600, "2025-02-15")]:
        created = call(
            "create_dataset",
            status=201,
            body=File(payload=io.BytesIO(sheet(value, vintage)), file_name=f"{vintage}.csv"),
            dataset=UPLOAD,
            vintage=vintage,
            filename=f"{vintage}.csv",
            published_on=datetime.date.fromisoformat(published),
        )
        assert created.data.id == UPLOAD and created.data.vintage == vintage, created.data
        assert created.data.row_count == 3 and is_int(created.data.row_count)
    # The read model is swapped in by the refresher: wait for both vintages.
    deadline = time.monotonic() + 30
    while True:
        module = importlib.import_module("atp_client.api.reference.find_dataset")
        r = module.sync_detailed(client=CLIENT, id=UPLOAD)
        if r.status_code == 200 and r.parsed.data.vintages == ["v1", "v2"]:
            break
        assert time.monotonic() < deadline, f"upload not served: {r.status_code} {r.content[:200]!r}"
        time.sleep(0.2)
    imports = one(call("list_imports", dataset=UPLOAD, partner=["KR"], group=["all"], year=["2024"]), "list_imports")
    assert imports.value_usd == 1600 and imports.status.value == "reported", imports
    rev = one(call("list_revisions", dataset=UPLOAD), "list_revisions")
    assert (rev.from_vintage, rev.to_vintage, rev.old_usd, rev.new_usd) == ("v1", "v2", 1500, 1600), rev
    assert is_int(rev.change_usd) and rev.change_usd == 100
    rows = csv_rows(call("list_revisions_csv", dataset=UPLOAD), "list_revisions_csv")
    assert rows[0]["change_usd"] == "100", rows[0]
    v = call("list_dataset_vintages", id=UPLOAD)
    assert [(x.vintage, x.latest, x.published_on) for x in v.data] == [
        ("v1", False, "2025-01-15"),
        ("v2", True, "2025-02-15"),
    ], v.data
    # Two datasets side by side: the upload against the brief.
    cmp = one(
        call(
            "list_comparison",
            dataset=UPLOAD,
            against="kiat-2026-04",
            flow=FlowParam.IMPORTS,
            partner=["KR"],
            group=["all"],
            period=["2024"],
        ),
        "list_comparison",
    )
    assert cmp.value_usd == 1600 and cmp.against_usd == 29_000_000_000, cmp
    assert cmp.difference_usd == 1600 - 29_000_000_000 and is_int(cmp.difference_usd)
    rows = csv_rows(
        call(
            "list_comparison_csv",
            dataset=UPLOAD,
            against="kiat-2026-04",
            flow=FlowParam.IMPORTS,
            partner=["KR"],
            group=["all"],
            period=["2024"],
        ),
        "list_comparison_csv",
    )
    assert rows[0]["against_usd"] == "29000000000", rows[0]
    # The delete, then the dataset is gone (once the refresher has seen it).
    call("delete_dataset", status=204, id=UPLOAD)
    deadline = time.monotonic() + 30
    module = importlib.import_module("atp_client.api.reference.find_dataset")
    while module.sync_detailed(client=CLIENT, id=UPLOAD).status_code != 404:
        assert time.monotonic() < deadline, "deleted dataset still served"
        time.sleep(0.2)
    gone = call("find_dataset", status=404, id=UPLOAD)
    assert gone.status == 404 and gone.type_.startswith("/problems/"), gone


def problems() -> None:
    """An error parses into the generated Problem, and its type resolves to
    the problem's page (the pages are not operations of the document)."""
    p = call("list_imports", status=400, year=["20x4"])
    assert p.status == 400 and p.parameter == "year" and p.value == "20x4", p
    page = CLIENT.get_httpx_client().get(p.type_)
    assert page.status_code == 200 and p.type_ in page.text, page.status_code
    assert page.headers["content-type"].startswith("text/html")
    index = CLIENT.get_httpx_client().get("/problems")
    assert index.status_code == 200 and "/problems/invalid-parameter" in index.text
    unauthorized = importlib.import_module("atp_client.api.writes.delete_dataset").sync_detailed(
        client=AuthenticatedClient(base_url=BASE, token="wrong"), id="kiat-2026-04"
    )
    assert unauthorized.status_code == 403 and unauthorized.parsed.status == 403, unauthorized


def main() -> int:
    started = time.monotonic()
    for check in [service, flows, analytics, scenarios, charts, reference, upload_revise_delete, problems]:
        check()
    missing = sorted(set(TAG_OF) - CALLED)
    if missing:
        print(f"python client: operations never called: {', '.join(missing)}", file=sys.stderr)
        return 1
    print(
        f"python client (openapi-python-client): {len(CALLED)}/{len(TAG_OF)} operations called, "
        f"{TYPED[0]} parsed values' types checked against the schema, 0 errors "
        f"({time.monotonic() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
