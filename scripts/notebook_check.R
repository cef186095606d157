# The README's R lines ("Notebooks: pandas and R"), run against a live
# server: a whole dataset read with readr from the CSV download, and a JSON
# listing with jsonlite, checked against each other with the types an analyst
# expects. Namibia's code NA must stay the text "NA", Census codes such as
# 0009 keep their zeros, money is whole dollars.
#
# Parquet in R needs the arrow package, which Debian does not package and
# CRAN is not reachable from the build machines: that line is not run here
# (the Parquet file itself is checked by the pandas check and the Rust tests).
#
# Usage: Rscript scripts/notebook_check.R http://127.0.0.1:8080
args <- commandArgs(trailingOnly = TRUE)
base <- sub("/$", "", args[[1]])
stopifnot(requireNamespace("readr", quietly = TRUE), requireNamespace("jsonlite", quietly = TRUE))
fail <- function(...) { message("FAIL: ", ...); quit(status = 1) }

url <- paste0(base, "/v1/datasets/census-country/download")
df <- readr::read_csv(url, na = "",
  col_types = readr::cols(.default = readr::col_character(),
                          year = readr::col_integer(),
                          value_usd = readr::col_double(),
                          rounding_usd = readr::col_double()),
  progress = FALSE)
cat(sprintf("CSV download: %d rows, %d columns\n", nrow(df), ncol(df)))
if (nrow(df) < 100000) fail("the census-country download has ", nrow(df), " rows")
if (!any(df$partner == "NA", na.rm = TRUE)) fail("Namibia (NA) was not read as a code")
if (any(is.na(df$partner))) fail("a partner read as missing")
if (!any(df$partner == "0009")) fail("0009 lost its zeros")
if (!is.integer(df$year)) fail("year is ", class(df$year))
if (any(df$value_usd != round(df$value_usd))) fail("value_usd is not whole dollars")
if (!is.character(df$period)) fail("period is ", class(df$period))

# JSON: one page of imports of Namibia and area 0009, strings stay strings.
page <- jsonlite::fromJSON(paste0(base,
  "/v1/imports?dataset=census-country&partner=NA,0009&frequency=monthly&limit=10000"))
j <- page$data
cat(sprintf("JSON listing: %d records of %d\n", nrow(j), page$page$total))
if (nrow(j) != page$page$total) fail("one page holds every record")
if (!all(j$partner %in% c("NA", "0009"))) fail("partners in JSON: ", paste(unique(j$partner), collapse = ","))
if (!is.character(j$period)) fail("JSON period is ", class(j$period))
if (!is.numeric(j$value_usd)) fail("JSON value_usd is ", class(j$value_usd))

# The same figures both ways.
csv <- df[df$measure == "imports" & df$partner %in% c("NA", "0009") & df$frequency == "monthly", ]
key <- function(d) paste(d$group, d$partner, d$period)
m <- match(key(j), key(csv))
if (any(is.na(m))) fail(sum(is.na(m)), " JSON records not in the download")
if (nrow(csv) != nrow(j)) fail("download ", nrow(csv), " rows against JSON ", nrow(j))
if (any(csv$value_usd[m] != j$value_usd)) fail("values differ between the download and JSON")
cat("ok: R (readr, jsonlite) reads the CSV download and the JSON listing with NA and 0009 as codes; the same figures\n")
