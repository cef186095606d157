"""A notebook-style check: what an analyst does with the API in pandas.

Reads /v1/balances as JSON (json_normalize) and as CSV (read_csv), and checks
they hold the same records, with the types an analyst expects: money as
integers, ratios as floats, undefined ratios as missing values with a reason.

Then the bulk downloads (issue 15): a whole dataset read with
pd.read_csv(url) (gzip on the wire, decompressed by pandas) and
pd.read_parquet(url), checked against the JSON listings, with the traps
avoided as the README's "Notebooks: pandas and R" says: partner NA
(Namibia) kept as a code, not a missing value; codes such as '01' and
'0009' kept as strings.

Usage: python scripts/notebook_check.py http://127.0.0.1:8080
"""

import json
import sys
import urllib.request

import pandas as pd

base = sys.argv[1].rstrip("/")
url = f"{base}/v1/balances?limit=10000"

with urllib.request.urlopen(url) as response:
    payload = json.load(response)
from_json = pd.json_normalize(payload["data"])
# pandas' default CSV float parser can be one unit in the last place off;
# round_trip reads the shortest representation the server wrote exactly.
from_csv = pd.read_csv(f"{url}&format=csv", float_precision="round_trip")

print(f"JSON: {len(from_json)} records, page {payload['page']}, dataset {payload['meta']['dataset']}")
print(f"CSV:  {len(from_csv)} records, columns {list(from_csv.columns)}")

assert payload["page"]["total"] == len(from_json), "one page holds every balance"
assert len(from_json) > 0, "the built-in dataset has balances"
assert list(from_json.columns) == list(from_csv.columns), (list(from_json.columns), list(from_csv.columns))

# Money is whole dollars: integers in both, equal to the dollar.
for column in ["balance_usd"]:
    assert pd.api.types.is_integer_dtype(from_json[column]), (column, from_json[column].dtype)
    assert pd.api.types.is_integer_dtype(from_csv[column]), (column, from_csv[column].dtype)
for column in ["exports_usd", "imports_usd", "reported_balance_usd"]:
    # Nullable: pandas reads integers with gaps as floats; compare as Int64.
    left = from_json[column].astype("Int64")
    right = from_csv[column].astype("Int64")
    assert left.equals(right), column

# Same records, value for value.
key = ["dataset", "group", "partner", "year"]
j = from_json.sort_values(key).reset_index(drop=True)
c = from_csv.sort_values(key).reset_index(drop=True)
for column in j.columns:
    if pd.api.types.is_float_dtype(j[column]) or pd.api.types.is_float_dtype(c[column]):
        diff = (j[column].astype(float) - c[column].astype(float)).abs().max()
        both_missing = j[column].isna().equals(c[column].isna())
        assert both_missing, f"{column}: missing values differ"
        assert pd.isna(diff) or diff == 0, f"{column}: differs by {diff}"
    else:
        left = j[column].where(j[column].notna(), None).astype(object)
        right = c[column].where(c[column].notna(), None).astype(object)
        assert [str(v) for v in left] == [str(v) for v in right], column

# A value analysts know: the total ATP balance with the world went from a
# surplus of about 29B USD (2014) to a deficit of about 300B USD (2024).
world = j[(j["group"] == "all") & (j["partner"] == "WLD")].set_index("year")["balance_usd"]
assert 25e9 < world[2014] < 35e9, world[2014]
assert -310e9 < world[2024] < -290e9, world[2024]

# Undefined ratios are missing with a reason, never inf.
assert not j["tsi"].isin([float("inf"), float("-inf")]).any()
assert (j["tsi"].isna() == j["tsi_reason"].notna()).all(), "a missing tsi has a reason"

print(f"ok: JSON and CSV agree on {len(j)} balances; world balance 2014 {world[2014]:,} USD, 2024 {world[2024]:,} USD")


# ---------------------------------------------------------------------------
# Bulk downloads: a whole dataset as CSV and as Parquet, against JSON.

# The README's one-liners. CSV: only empty cells are missing (NA is Namibia),
# codes and periods are text, rounding_usd is a whole number with gaps.
CSV_OPTIONS = dict(
    keep_default_na=False,
    na_values=[""],
    dtype={"group": str, "partner": str, "period": str, "vintage": str, "rounding_usd": "Int64"},
)
# Parquet keeps its types; numpy_nullable keeps rounding_usd whole (Int64).
PARQUET_OPTIONS = dict(dtype_backend="numpy_nullable")


def json_records(path):
    """Every record of a listing (all pages) as a DataFrame."""
    frames, offset = [], 0
    while True:
        with urllib.request.urlopen(f"{base}{path}&limit=10000&offset={offset}") as response:
            page = json.load(response)
        frames.append(pd.json_normalize(page["data"]))
        offset += len(page["data"])
        if offset >= page["page"]["total"] or not page["data"]:
            return pd.concat(frames, ignore_index=True)


def as_listing(download, flow):
    """A download's rows of one flow, with the listing's columns."""
    rows = download[download["measure"] == flow].drop(columns=["vintage"])
    return rows.rename(columns={"measure": "flow"})


def same_values(left, right, columns, label):
    key = ["group", "partner", "period"]
    l = left.sort_values(key).reset_index(drop=True)
    r = right.sort_values(key).reset_index(drop=True)
    assert len(l) == len(r), (label, len(l), len(r))
    for column in ["year", "value_usd", "rounding_usd"]:
        # JSON numbers with gaps come as floats: compare as whole numbers.
        l[column] = l[column].astype("Int64")
        r[column] = r[column].astype("Int64")
    for column in columns:
        a = [None if pd.isna(v) else str(v) for v in l[column]]
        b = [None if pd.isna(v) else str(v) for v in r[column]]
        assert a == b, f"{label}: {column} differs"


def unguard(frame):
    """CSV guards text a spreadsheet would run ('+imports/...' for
    +imports/...); JSON and Parquet send it as it is."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: v[1:] if isinstance(v, str) and v[:2] in ("'+", "'-", "'=", "'@") else v
            )
    return out


COMPARED = ["dataset", "group", "partner", "partner_kind", "year", "period", "frequency",
            "flow", "value_usd", "status", "rounding_usd", "formula", "inputs", "citation", "quote"]

for dataset, json_filter in [
    # The brief's dataset whole, and census-country's Namibia and the
    # Census area 0009 (every group, year and month).
    ("kiat-2026-04", ""),
    ("census-country", "&partner=NA,0009"),
]:
    url = f"{base}/v1/datasets/{dataset}/download"
    csv = pd.read_csv(url, **CSV_OPTIONS)
    # The same over gzip: pandas decompresses what the server compressed.
    gz = pd.read_csv(url, storage_options={"Accept-Encoding": "gzip"}, **CSV_OPTIONS)
    assert csv.equals(gz), f"{dataset}: gzip CSV differs from plain CSV"
    parquet = pd.read_parquet(f"{url}?format=parquet", **PARQUET_OPTIONS)
    print(f"{dataset}: CSV {len(csv)} rows, Parquet {len(parquet)} rows")
    assert len(csv) == len(parquet) > 0

    # dtypes: codes and periods are text, money whole.
    for frame, label in [(csv, "CSV"), (parquet, "Parquet")]:
        for column in ["group", "partner", "period", "vintage", "citation"]:
            assert pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object, (label, column, frame[column].dtype)
            assert frame[column].map(lambda v: isinstance(v, str)).all(), (label, column)
        for column in ["value_usd", "year"]:
            assert pd.api.types.is_integer_dtype(frame[column]), (label, column, frame[column].dtype)
        assert str(frame["rounding_usd"].dtype) == "Int64", (label, frame["rounding_usd"].dtype)

    # CSV and Parquet hold the same cells.
    c = unguard(csv).astype(object).where(csv.notna(), None)
    p = parquet.astype(object).where(parquet.notna(), None)
    assert [list(map(str, r)) for r in c.itertuples(index=False)] == [
        list(map(str, r)) for r in p.itertuples(index=False)
    ], f"{dataset}: CSV and Parquet differ"

    # And the JSON listings' values.
    for flow in ["imports", "exports"]:
        listed = pd.concat(
            [json_records(f"/v1/{flow}?dataset={dataset}&frequency={f}{json_filter}") for f in ["annual", "monthly"]],
            ignore_index=True,
        )
        listed["period"] = listed["period"].astype(str)
        for frame, label in [(unguard(csv), "CSV"), (parquet, "Parquet")]:
            rows = as_listing(frame, flow)
            if json_filter:
                rows = rows[rows["partner"].isin(["NA", "0009"])]
            same_values(listed, rows, COMPARED, f"{dataset} {flow} {label} vs JSON")
    if dataset == "census-country":
        for frame in [csv, parquet]:
            assert (frame["partner"] == "NA").any(), "Namibia read as a code"
            assert (frame["partner"] == "0009").any(), "0009 kept with its zeros"

# Census codes of the groups: '01' as text, not 1.0.
groups = pd.read_csv(f"{base}/v1/groups.csv", **{**CSV_OPTIONS, "dtype": {"census_code": str}})
assert "01" in set(groups["census_code"]), groups["census_code"].tolist()

print("ok: the downloads (CSV over gzip, Parquet) agree with JSON; NA and '0009', '01' kept as codes")
