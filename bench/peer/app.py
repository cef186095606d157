"""A FastAPI peer of `atp serve` for the load test (issue 13).

The same three query shapes as bench/load.sh, over the same SQLite file that
`atp import` wrote, written the way a Python team would write them:

    GET /v1/imports?dataset=D&group=G&partner=P&period=YYYY[-MM]&limit=N   (lookup)
    GET /v1/imports?dataset=D&group=G&partner=P&frequency=annual&limit=N   (series)
    GET /v1/growth?dataset=D&flow=F&from=Y1&to=Y2&group=G&limit=N          (growth)
    GET /readyz

`def` endpoints (FastAPI runs them in its thread pool), one read-only sqlite3
connection per thread, SQL on the table's primary key and indexes, pydantic
response models serialised by FastAPI's default path (pydantic-core straight
to JSON bytes). No response cache. Records, `page` and `meta` follow atp's
envelope field for field, so bodies are of the same size; the growth measures
are computed as atp computes them (a null with a reason when undefined).

What it does not do: atp's other endpoints and parameters (sort, units,
vintage, partner lists, CSV, ETags), aggregates other than `all`, sums of
months into years. Unknown parameters' values are refused with 422 (FastAPI's
validation error); a dataset or partner it does not know, 422 as well.

Run: ATP_PEER_DB=/path/atp.sqlite3 uvicorn app:app --app-dir bench/peer
"""

from __future__ import annotations

import csv
import functools
import os
import sqlite3
import threading
from enum import Enum
from pathlib import Path
from typing import Optional

from fastapi import FastAPI, HTTPException, Query, Request
from pydantic import BaseModel

DB_PATH = os.environ.get("ATP_PEER_DB", "atp.sqlite3")
# The built-in partner table atp embeds (core/data): every country's code.
COUNTRIES_CSV = os.environ.get(
    "ATP_PEER_COUNTRIES",
    str(Path(__file__).resolve().parents[2] / "core" / "data" / "census-countries.csv"),
)

GROUPS = [
    "biotechnology", "life-science", "opto-electronics", "information-communications",
    "electronics", "flexible-manufacturing", "advanced-materials", "aerospace", "weapons",
    "nuclear",
]
MAX_LIMIT = 10_000

app = FastAPI(title="atp peer (FastAPI over SQLite)")


# --- storage ------------------------------------------------------------------

_local = threading.local()


def db() -> sqlite3.Connection:
    """This thread's read-only connection to the SQLite file."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(f"file:{DB_PATH}?mode=ro", uri=True, check_same_thread=False)
        _local.conn = conn
    return conn


@functools.lru_cache(maxsize=1)
def partner_kinds() -> dict[str, str]:
    kinds = {"WLD": "world", "ROW": "rest_of_world", "EU": "bloc"}
    with open(COUNTRIES_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kinds.setdefault(row["iso2"], "country")
    for code, kind in db().execute("SELECT code, kind FROM extra_partners"):
        kinds.setdefault(code, kind)
    return kinds


def latest_vintage(dataset: str) -> tuple[str, int]:
    """The dataset's newest vintage and the data version, or 422."""
    row = db().execute(
        "SELECT vintage, (SELECT value FROM service_state WHERE name = 'data_version')"
        " FROM dataset_vintages WHERE dataset_id = ?"
        " ORDER BY imported_at DESC, vintage DESC LIMIT 1",
        (dataset,),
    ).fetchone()
    if row is None:
        raise HTTPException(422, f"unknown dataset {dataset!r}")
    return row[0], row[1]


def period_str(year: int, month: int) -> str:
    return str(year) if month == 0 else f"{year}-{month:02d}"


@functools.lru_cache(maxsize=64)
def coverage(dataset: str, vintage: str) -> dict:
    conn = db()
    periods = conn.execute(
        "SELECT DISTINCT year, month FROM observations WHERE dataset_id = ? AND vintage = ?"
        " ORDER BY year, month",
        (dataset, vintage),
    ).fetchall()
    present = {g for (g,) in conn.execute(
        "SELECT DISTINCT group_id FROM observations WHERE dataset_id = ? AND vintage = ?",
        (dataset, vintage),
    )}
    (partners,) = conn.execute(
        "SELECT COUNT(DISTINCT partner) FROM observations WHERE dataset_id = ? AND vintage = ?",
        (dataset, vintage),
    ).fetchone()
    # Runs of consecutive periods, as `first..last`.
    ranges, run = [], []
    for y, m in periods:
        step = y * 12 + max(m, 1) if m else y
        if run and step != run[-1][0] + 1:
            ranges.append(run)
            run = []
        run.append((step, period_str(y, m)))
    if run:
        ranges.append(run)
    groups = [g for g in GROUPS if g in present]
    return {
        "first_period": period_str(*periods[0]) if periods else None,
        "last_period": period_str(*periods[-1]) if periods else None,
        "periods": len(periods),
        "frequencies": sorted({"monthly" if m else "annual" for _, m in periods}),
        "period_ranges": [f"{r[0][1]}..{r[-1][1]}" for r in ranges],
        "groups": (["all"] if groups else []) + groups,
        "partners": partners,
    }


# --- parameters ----------------------------------------------------------------

GroupParam = Enum("GroupParam", {g: g for g in ["all", *GROUPS]}, type=str)


class FlowParam(str, Enum):
    imports = "imports"
    exports = "exports"


class Frequency(str, Enum):
    annual = "annual"
    monthly = "monthly"


PERIOD = r"^\d{4}(-(0[1-9]|1[0-2]))?$"


def parse_period(p: str) -> tuple[int, int]:
    return (int(p[:4]), int(p[5:7])) if len(p) == 7 else (int(p), 0)


def check_partner(partner: str) -> str:
    if partner not in partner_kinds():
        raise HTTPException(422, f"unknown partner {partner!r} (see /v1/partners of atp)")
    return partner


# --- responses ------------------------------------------------------------------

class Page(BaseModel):
    limit: int
    offset: int
    total: int
    first: str
    last: str
    prev: Optional[str]
    next: Optional[str]


class Coverage(BaseModel):
    first_period: Optional[str]
    last_period: Optional[str]
    periods: int
    frequencies: list[str]
    period_ranges: list[str]
    groups: list[str]
    partners: int


class Meta(BaseModel):
    dataset: str
    vintage: str
    units: str = "USD"
    frequency: Optional[str]
    transform: Optional[str] = None
    data_version: int
    query: dict[str, str]
    coverage: Coverage
    notice: Optional[str] = None
    notes: list[str] = []


class FlowRecord(BaseModel):
    dataset: str
    group: str
    partner: str
    partner_kind: str
    year: int
    period: str
    frequency: str
    flow: str
    value_usd: int
    value: Optional[int]
    value_reason: Optional[str]
    value_base_period: Optional[str]
    status: str
    rounding_usd: Optional[int]
    formula: Optional[str]
    inputs: Optional[str]
    citation: str
    quote: Optional[str]


class GrowthRecord(BaseModel):
    dataset: str
    group: str
    partner: str
    partner_kind: str
    measure: str
    # `from` is a keyword: the field is named by alias.
    from_: int
    to: int
    from_period: str
    to_period: str
    start_usd: Optional[int]
    end_usd: Optional[int]
    change_usd: Optional[int]
    change_usd_reason: Optional[str]
    change_pct: Optional[float]
    change_pct_reason: Optional[str]
    multiple: Optional[float]
    multiple_reason: Optional[str]
    cagr_pct: Optional[float]
    cagr_pct_reason: Optional[str]
    reported_change_pct: Optional[float] = None
    reported_change_pct_agreement: Optional[str] = None
    reported_change_pct_citation: Optional[str] = None
    reported_multiple: Optional[float] = None
    reported_multiple_reading: Optional[str] = None
    reported_multiple_agreement: Optional[str] = None
    reported_multiple_citation: Optional[str] = None
    reported_change_usd: Optional[int] = None
    reported_change_usd_agreement: Optional[str] = None
    reported_change_usd_citation: Optional[str] = None
    status: str

    model_config = {"populate_by_name": True, "alias_generator": lambda f: "from" if f == "from_" else f}


class FlowResponse(BaseModel):
    data: list[FlowRecord]
    page: Page
    meta: Meta


class GrowthResponse(BaseModel):
    data: list[GrowthRecord]
    page: Page
    meta: Meta


def page(request: Request, limit: int, offset: int, total: int) -> Page:
    base = "&".join(
        f"{k}={v}" for k, v in request.query_params.multi_items() if k != "offset"
    )

    def link(o: int) -> str:
        return f"{request.url.path}?{base}&offset={o}"

    last = max(total - 1, 0) // limit * limit
    return Page(
        limit=limit,
        offset=offset,
        total=total,
        first=link(0),
        last=link(last),
        prev=link(max(offset - limit, 0)) if offset > 0 else None,
        next=link(offset + limit) if offset + limit < total else None,
    )


def meta(request: Request, dataset: str, vintage: str, version: int, frequency) -> Meta:
    return Meta(
        dataset=dataset,
        vintage=vintage,
        frequency=frequency,
        data_version=version,
        query=dict(sorted(request.query_params.items())),
        coverage=Coverage(**coverage(dataset, vintage)),
    )


ALL_CITATION = "computed by the service: the sum of the ATP groups ({})"


# --- endpoints --------------------------------------------------------------------

@app.get("/readyz")
def readyz() -> dict[str, str]:
    db().execute("SELECT 1").fetchone()
    return {"status": "ready"}


@app.get("/v1/imports", response_model=FlowResponse)
def imports(
    request: Request,
    dataset: str,
    group: GroupParam,
    partner: str,
    period: Optional[str] = Query(None, pattern=PERIOD),
    year: Optional[int] = Query(None, ge=1900, le=2100),
    frequency: Optional[Frequency] = None,
    limit: int = Query(1000, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    check_partner(partner)
    vintage, version = latest_vintage(dataset)
    where = ["dataset_id = ?", "vintage = ?", "measure = 'imports'", "partner = ?"]
    args: list = [dataset, vintage, partner]
    if group.value != "all":
        where.append("group_id = ?")
        args.append(group.value)
    if period is not None:
        y, m = parse_period(period)
        where += ["year = ?", "month = ?"]
        args += [y, m]
    if year is not None:
        where.append("year = ?")
        args.append(year)
    if frequency is not None:
        where.append("month = 0" if frequency is Frequency.annual else "month > 0")
    cond = " AND ".join(where)
    conn = db()
    if group.value == "all":
        (total,) = conn.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM observations WHERE {cond} GROUP BY year, month)",
            args,
        ).fetchone()
        rows = conn.execute(
            f"SELECT year, month, SUM(value_usd), COUNT(*) FROM observations WHERE {cond}"
            " GROUP BY year, month ORDER BY year, month LIMIT ? OFFSET ?",
            args + [limit, offset],
        ).fetchall()
        groups = coverage(dataset, vintage)["groups"][1:]
        citation = ALL_CITATION.format(", ".join(groups))
        rows = [
            (y, m, v, "derived", None, f"sum of the {n} ATP groups with figures", None, citation, "")
            for y, m, v, n in rows
        ]
    else:
        (total,) = conn.execute(f"SELECT COUNT(*) FROM observations WHERE {cond}", args).fetchone()
        rows = conn.execute(
            "SELECT year, month, value_usd, status, rounding_usd, formula, inputs, section, quote"
            f" FROM observations WHERE {cond} ORDER BY year, month LIMIT ? OFFSET ?",
            args + [limit, offset],
        ).fetchall()
    kind = partner_kinds()[partner]
    data = [
        FlowRecord(
            dataset=dataset,
            group=group.value,
            partner=partner,
            partner_kind=kind,
            year=y,
            period=period_str(y, m),
            frequency="monthly" if m else "annual",
            flow="imports",
            value_usd=v,
            value=v,
            value_reason=None,
            value_base_period=None,
            status=status,
            rounding_usd=rounding,
            formula=formula,
            inputs=inputs,
            citation=section,
            quote=quote or None,
        )
        for y, m, v, status, rounding, formula, inputs, section, quote in rows
    ]
    if frequency is not None:
        freq = frequency.value
    elif period is not None:
        freq = "monthly" if len(period) == 7 else "annual"
    else:
        freq = coverage(dataset, vintage)["frequencies"][0] if data or total else "annual"
    return FlowResponse(
        data=data,
        page=page(request, limit, offset, total),
        meta=meta(request, dataset, vintage, version, freq),
    )


def growth_measures(start: Optional[int], end: Optional[int], years: float) -> dict:
    """atp's analytics::growth_between, nulls with reasons."""
    if start is None or end is None:
        return dict(change_usd=None, change_usd_reason="missing_value",
                    change_pct=None, change_pct_reason="missing_value",
                    multiple=None, multiple_reason="missing_value",
                    cagr_pct=None, cagr_pct_reason="missing_value")
    out = dict(change_usd=end - start, change_usd_reason=None)
    if start <= 0:
        reason = "zero_base" if start == 0 else "negative_base"
        out.update(change_pct=None, change_pct_reason=reason, multiple=None,
                   multiple_reason=reason, cagr_pct=None, cagr_pct_reason=reason)
        return out
    out.update(change_pct=(float(end) - float(start)) / float(start) * 100.0, change_pct_reason=None)
    if end < 0:
        out.update(multiple=None, multiple_reason="sign_change",
                   cagr_pct=None, cagr_pct_reason="sign_change")
        return out
    m = end / start
    out.update(multiple=m, multiple_reason=None)
    try:
        cagr = (m ** (1.0 / years) - 1.0) * 100.0
        out.update(cagr_pct=cagr, cagr_pct_reason=None)
    except OverflowError:
        out.update(cagr_pct=None, cagr_pct_reason="overflow")
    return out


@app.get("/v1/growth", response_model=GrowthResponse, response_model_by_alias=True)
def growth(
    request: Request,
    dataset: str,
    flow: FlowParam,
    group: GroupParam,
    from_: str = Query(..., alias="from", pattern=PERIOD),
    to: str = Query(..., pattern=PERIOD),
    limit: int = Query(1000, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    (fy, fm), (ty, tm) = parse_period(from_), parse_period(to)
    if (fm == 0) != (tm == 0):
        raise HTTPException(422, "from and to must be of one frequency")
    steps = (ty * 12 + tm) - (fy * 12 + fm) if fm else ty - fy
    if steps <= 0:
        raise HTTPException(422, f"from ({from_}) must be before to ({to})")
    years = steps / 12 if fm else float(steps)
    vintage, version = latest_vintage(dataset)
    where = "dataset_id = ? AND vintage = ? AND measure = ?"
    args: list = [dataset, vintage, flow.value]
    if group.value != "all":
        where += " AND group_id = ?"
        args.append(group.value)
    # Start and end of every partner with a value in either period: one pass
    # over the group's rows of the two periods (the primary key's order).
    sql = (
        "SELECT partner,"
        " SUM(CASE WHEN year = ? AND month = ? THEN value_usd END),"
        " SUM(CASE WHEN year = ? AND month = ? THEN value_usd END),"
        " MIN(status), COUNT(*)"
        f" FROM observations WHERE {where}"
        " AND ((year = ? AND month = ?) OR (year = ? AND month = ?))"
        " GROUP BY partner ORDER BY partner"
    )
    rows = db().execute(sql, [fy, fm, ty, tm, *args, fy, fm, ty, tm]).fetchall()
    total = len(rows)
    kinds = partner_kinds()
    single = group.value != "all"
    data = []
    for partner, start, end, status, n in rows[offset:offset + limit]:
        reported = single and n == 2 and status == "reported"
        data.append(GrowthRecord(
            dataset=dataset,
            group=group.value,
            partner=partner,
            partner_kind=kinds.get(partner, "country"),
            measure=flow.value,
            from_=fy,
            to=ty,
            from_period=from_,
            to_period=to,
            start_usd=start,
            end_usd=end,
            status="reported" if reported else "derived",
            **growth_measures(start, end, years),
        ))
    return GrowthResponse(
        data=data,
        page=page(request, limit, offset, total),
        meta=meta(request, dataset, vintage, version, "monthly" if fm else "annual"),
    )
