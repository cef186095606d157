"""A notebook-style check: what an analyst does with the API in pandas.

Reads /v1/balances as JSON (json_normalize) and as CSV (read_csv), and checks
they hold the same records, with the types an analyst expects: money as
integers, ratios as floats, undefined ratios as missing values with a reason.

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
