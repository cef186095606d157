//! Scenarios over HTTP: `POST /v1/scenarios` with a JSON body, and a
//! compact `GET /v1/scenarios` form for dashboards; both are read into one
//! request, checked (each error names where: a JSON pointer, or the query
//! parameter), computed by `atp-query`'s scenario engine, and rendered like
//! every listing (JSON or CSV, ETag). The same request gives the same
//! bytes.

use std::str::FromStr;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use atp_core::analytics::Computed;
use atp_core::scenario::{BaselineMethod, DEFAULT_TARIFF_ELASTICITY, GrowthPath, TariffChange};
use atp_core::{Flow, Frequency, GroupId, PartnerCode, PartnerKind, Period, Status};
use atp_query::scenario::{self, ScenarioError, ScenarioRow, Shock, ShockKind, Spec};
use atp_query::{DatasetView, ReadModel};
use futures_util::StreamExt;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::{
    self, DatasetArg, DateArg, FormatParam, FromQuery, Limit, List, ListItem, Offset, PageRequest,
    PartnerArg, PeriodArg, Weighed,
};
use super::params::{FieldName, HeaderParam, IncludeParam, LangParam};
use super::records::{Reason, wire};
use super::respond::{Envelope, Meta, Rendered, render_listing};
use crate::handlers::meta;
use crate::query_params;
use crate::view::View;

/// The most periods a scenario projects: 20 years, or 240 months.
pub const MAX_HORIZON_YEARS: usize = 20;
/// The most shocks and tariffs a scenario takes, together.
pub const MAX_SHOCKS: usize = 50;
/// The most bytes of a scenario's JSON body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The trend window when none is given: five years.
const DEFAULT_TREND_YEARS: usize = 5;

/// A scenario, as a client writes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    /// The dataset (default: the default dataset).
    #[schema(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// The vintage to read (default: the latest). Not with `as_of`.
    pub vintage: Option<String>,
    /// Read the vintage that was the latest on this date (YYYY-MM-DD).
    pub as_of: Option<String>,
    /// The markets projected: groups (default `["all"]`). Each group's
    /// market (its listed partners and the rest of the world) is projected
    /// on its own; `all` is not recomputed from the groups.
    #[schema(example = json!(["all"]))]
    pub groups: Option<Vec<String>>,
    /// The last period of history: a year, a month or `latest` (default:
    /// the dataset's latest year, or month with `frequency: monthly`).
    #[schema(example = "2024")]
    pub base: Option<String>,
    /// `annual` or `monthly` (default: the base period's).
    #[schema(example = "annual")]
    pub frequency: Option<String>,
    /// Periods projected after the base: 1 to 20 years, or 1 to 240 months.
    #[schema(example = 6)]
    pub horizon: u32,
    /// `flat` (the base period's levels held; the last twelve months for a
    /// monthly market) or `trend` (each series' compound growth over
    /// `trend_periods`, continued). Default: flat.
    #[schema(example = "flat")]
    pub baseline: Option<String>,
    /// The trend's window, in periods (default: five years).
    #[schema(example = 5)]
    pub trend_periods: Option<u32>,
    /// Growth paths relative to the baseline.
    pub shocks: Option<Vec<ShockBody>>,
    /// Tariff changes on imports, turned into import changes through an
    /// elasticity.
    pub tariffs: Option<Vec<TariffBody>>,
    /// The partners shown (default: every partner of the market); the
    /// world and the rest of the world are always shown.
    #[schema(example = json!(["CN", "KR"]))]
    pub partners: Option<Vec<String>>,
}

/// A growth path of one flow: of one partner's imports or exports, or of the
/// whole market's.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShockBody {
    /// `imports` or `exports`.
    #[schema(example = "imports")]
    pub flow: String,
    /// A partner code (default: the whole market, every partner alike).
    #[schema(example = "CN")]
    pub partner: Option<String>,
    /// One of the scenario's groups (default: every one).
    pub group: Option<String>,
    /// The first period shocked (default: the first projected).
    #[schema(example = "2025")]
    pub start: Option<String>,
    /// The change at `start`, in percent of the baseline (above -100).
    #[schema(value_type = Option<f64>, example = -20)]
    pub change_pct: Option<serde_json::Number>,
    /// The change each period after `start`, in percent, compounded.
    #[schema(value_type = Option<f64>, example = 3)]
    pub then_pct_per_period: Option<serde_json::Number>,
}

/// A tariff change on imports from a partner.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffBody {
    #[schema(example = "CN")]
    pub partner: String,
    /// One of the scenario's groups (default: every one).
    pub group: Option<String>,
    /// The first period with the new tariff (default: the first projected).
    #[schema(example = "2025")]
    pub start: Option<String>,
    /// The change of the tariff rate, in percentage points.
    #[schema(value_type = f64, example = 25)]
    pub tariff_change_pp: serde_json::Number,
    /// The tariff before the change, in percent (default 0).
    #[schema(value_type = Option<f64>, example = 0)]
    pub base_tariff_pct: Option<serde_json::Number>,
    /// The elasticity of imports to their tariff-inclusive price (default
    /// 2.53: Fajgelbaum, Goldberg, Kennedy and Khandelwal, "The Return to
    /// Protectionism", QJE 2020, on the 2018 US tariffs, with complete
    /// pass-through); imports change by `((1 + new) / (1 + old))^-elasticity`.
    #[schema(value_type = Option<f64>, example = 2.53)]
    pub elasticity: Option<serde_json::Number>,
}

/// Where a value of the request was given: a JSON pointer into the body,
/// or a query parameter of the compact form (`None`: the whole query).
#[derive(Debug, Clone)]
enum Origin {
    Body(String),
    Query(Option<&'static str>),
}

/// The query parameter of the compact form a body key is given in.
fn parameter_of(key: &str) -> &'static str {
    match key {
        "groups" => "group",
        "partners" => "partner",
        "shocks" => "shock",
        "tariffs" => "tariff",
        "base" => "base",
        "horizon" => "horizon",
        "baseline" => "baseline",
        "trend_periods" => "trend_periods",
        "dataset" => "dataset",
        "vintage" => "vintage",
        "as_of" => "as_of",
        _ => "query",
    }
}

impl Origin {
    fn at(&self, key: &str) -> Origin {
        match self {
            Origin::Body(p) => Origin::Body(format!("{p}/{key}")),
            Origin::Query(None) => Origin::Query(Some(parameter_of(key))),
            Origin::Query(Some(n)) => Origin::Query(Some(n)),
        }
    }

    fn item(&self, i: usize) -> Origin {
        match self {
            Origin::Body(p) => Origin::Body(format!("{p}/{i}")),
            q => q.clone(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Origin::Body(p) => p.clone(),
            Origin::Query(n) => n.unwrap_or("query").to_owned(),
        }
    }

    fn error(
        &self,
        value: Option<&str>,
        expected: impl Into<String>,
        allowed: Vec<String>,
    ) -> ApiError {
        match self {
            Origin::Body(pointer) => ApiError::InvalidBody {
                pointer: pointer.clone(),
                value: value.map(str::to_owned),
                expected: expected.into(),
                allowed,
                malformed: false,
            },
            Origin::Query(name) => ApiError::InvalidParameter {
                parameter: name.unwrap_or("query").to_owned(),
                value: value.unwrap_or_default().to_owned(),
                expected: expected.into(),
                allowed,
            },
        }
    }

    fn invalid(&self, e: atp_core::InvalidValue) -> ApiError {
        self.error(Some(&e.value), e.expected, e.allowed)
    }

    /// A scenario the engine refused, located where it was given.
    fn refused(&self, e: ScenarioError) -> ApiError {
        let at = match &e {
            ScenarioError::Shock { origin, .. }
            | ScenarioError::PartnerNotInMarket { origin, .. }
            | ScenarioError::GroupNotInScenario { origin, .. } => origin.clone(),
            ScenarioError::NoMarket { .. } => match self {
                Origin::Body(_) => "/groups".to_owned(),
                Origin::Query(_) => "group".to_owned(),
            },
        };
        match self {
            Origin::Body(_) => ApiError::InvalidBody {
                pointer: at,
                value: None,
                expected: e.to_string(),
                allowed: Vec::new(),
                malformed: false,
            },
            Origin::Query(_) => ApiError::InvalidParameter {
                parameter: at,
                value: String::new(),
                expected: e.to_string(),
                allowed: Vec::new(),
            },
        }
    }
}

fn decimal(origin: &Origin, n: &serde_json::Number) -> Result<Decimal, ApiError> {
    let text = n.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
        .filter(|d| d.abs() <= Decimal::from(1_000_000))
        .ok_or_else(|| origin.error(Some(&text), "a number from -1000000 to 1000000", Vec::new()))
}

fn period_of(
    ds: &DatasetView,
    origin: &Origin,
    value: &str,
    frequency: Frequency,
) -> Result<Period, ApiError> {
    if value.trim().eq_ignore_ascii_case("latest") {
        return ds.periods_of(frequency).last().copied().ok_or_else(|| {
            origin.error(
                Some(value),
                format!("a period the dataset has: it has no {frequency} figures"),
                Vec::new(),
            )
        });
    }
    let p = Period::try_from(value).map_err(|e| origin.invalid(e))?;
    if p.frequency() != frequency {
        return Err(origin.error(
            Some(value),
            format!("a period of the scenario's frequency ({frequency})"),
            Vec::new(),
        ));
    }
    Ok(p)
}

/// The request, checked against the dataset: a scenario the engine runs.
fn spec(
    model: &ReadModel,
    ds: &DatasetView,
    body: &ScenarioBody,
    root: &Origin,
) -> Result<Spec, ApiError> {
    let frequency = match &body.frequency {
        Some(f) => Frequency::try_from(f.as_str()).map_err(|e| root.at("frequency").invalid(e))?,
        None => match body
            .base
            .as_deref()
            .map(|b| Period::try_from(b).map(Period::frequency))
        {
            Some(Ok(f)) => f,
            _ => Frequency::Annual,
        },
    };
    let base = match &body.base {
        Some(b) => period_of(ds, &root.at("base"), b, frequency)?,
        None => period_of(ds, &root.at("base"), "latest", frequency)?,
    };
    let max_horizon = MAX_HORIZON_YEARS * usize::from(frequency.per_year());
    let horizon = usize::try_from(body.horizon).unwrap_or(usize::MAX);
    if !(1..=max_horizon).contains(&horizon) {
        return Err(root.at("horizon").error(
            Some(&body.horizon.to_string()),
            format!(
                "a number of periods from 1 to {max_horizon} ({MAX_HORIZON_YEARS} years of {frequency} periods)"
            ),
            Vec::new(),
        ));
    }
    let groups: Vec<GroupId> = match &body.groups {
        None => vec![GroupId::All],
        Some(v) if v.is_empty() => {
            return Err(root
                .at("groups")
                .error(None, "at least one group", Vec::new()));
        }
        Some(v) => {
            let mut out = Vec::new();
            for (i, g) in v.iter().enumerate() {
                let id = GroupId::try_from(g.as_str())
                    .map_err(|e| root.at("groups").item(i).invalid(e))?;
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            out
        }
    };
    let baseline = match body.baseline.as_deref().map(str::trim) {
        None => BaselineMethod::Flat,
        Some(b) if b.eq_ignore_ascii_case("flat") => BaselineMethod::Flat,
        Some(b) if b.eq_ignore_ascii_case("trend") => BaselineMethod::Trend,
        Some(b) => {
            return Err(root.at("baseline").error(
                Some(b),
                "flat or trend",
                vec!["flat".to_owned(), "trend".to_owned()],
            ));
        }
    };
    let per_year = usize::from(frequency.per_year());
    let trend_periods = match body.trend_periods {
        None => DEFAULT_TREND_YEARS * per_year,
        Some(t) => {
            let t = usize::try_from(t).unwrap_or(usize::MAX);
            if !(1..=max_horizon).contains(&t) {
                return Err(root.at("trend_periods").error(
                    Some(&t.to_string()),
                    format!("a number of periods from 1 to {max_horizon}"),
                    Vec::new(),
                ));
            }
            t
        }
    };
    let shocks_in = body.shocks.as_deref().unwrap_or_default();
    let tariffs_in = body.tariffs.as_deref().unwrap_or_default();
    if shocks_in.len() + tariffs_in.len() > MAX_SHOCKS {
        return Err(root.error(
            None,
            format!(
                "at most {MAX_SHOCKS} shocks and tariffs together; the request has {}",
                shocks_in.len() + tariffs_in.len()
            ),
            Vec::new(),
        ));
    }
    let first = base.shift(1).ok_or_else(|| {
        root.at("base").error(
            Some(&base.to_string()),
            "a period with a next one",
            Vec::new(),
        )
    })?;
    let partner = |o: &Origin, v: &str| {
        if v.trim().eq_ignore_ascii_case("ROW") {
            return Ok(PartnerCode::REST_OF_WORLD);
        }
        model.parse_partner(v).map_err(|e| o.invalid(e))
    };
    let group = |o: &Origin, v: &Option<String>| -> Result<Option<GroupId>, ApiError> {
        v.as_deref()
            .map(|g| GroupId::try_from(g).map_err(|e| o.invalid(e)))
            .transpose()
    };
    let start = |o: &Origin, v: &Option<String>| -> Result<Period, ApiError> {
        let p = match v {
            Some(s) => period_of(ds, o, s, frequency)?,
            None => first,
        };
        if p < first {
            return Err(o.error(
                v.as_deref(),
                format!("a period after the base ({base}): shocks change projections"),
                Vec::new(),
            ));
        }
        Ok(p)
    };
    let mut shocks = Vec::new();
    for (i, s) in shocks_in.iter().enumerate() {
        let o = root.at("shocks").item(i);
        let flow = Flow::try_from(s.flow.as_str()).map_err(|e| o.at("flow").invalid(e))?;
        let change = s
            .change_pct
            .as_ref()
            .map(|n| decimal(&o.at("change_pct"), n))
            .transpose()?
            .unwrap_or_default();
        let then = s
            .then_pct_per_period
            .as_ref()
            .map(|n| decimal(&o.at("then_pct_per_period"), n))
            .transpose()?
            .unwrap_or_default();
        for (key, v) in [("change_pct", change), ("then_pct_per_period", then)] {
            if v <= Decimal::from(-100) {
                return Err(o.at(key).error(
                    Some(&v.to_string()),
                    "a change above -100 (percent)",
                    Vec::new(),
                ));
            }
        }
        shocks.push(Shock {
            flow,
            group: group(&o.at("group"), &s.group)?,
            partner: s
                .partner
                .as_deref()
                .map(|p| partner(&o.at("partner"), p))
                .transpose()?,
            kind: ShockKind::Growth(GrowthPath {
                start: start(&o.at("start"), &s.start)?,
                change_pct: change,
                then_pct_per_period: then,
            }),
            origin: o.describe(),
        });
    }
    for (i, t) in tariffs_in.iter().enumerate() {
        let o = root.at("tariffs").item(i);
        let elasticity = match &t.elasticity {
            Some(n) => decimal(&o.at("elasticity"), n)?,
            None => Decimal::from_str(DEFAULT_TARIFF_ELASTICITY).unwrap_or(Decimal::TWO),
        };
        if elasticity < Decimal::ZERO || elasticity > Decimal::from(50) {
            return Err(o.at("elasticity").error(
                Some(&elasticity.to_string()),
                "an elasticity from 0 to 50 (imports fall as their price rises)",
                Vec::new(),
            ));
        }
        let change = decimal(&o.at("tariff_change_pp"), &t.tariff_change_pp)?;
        let before = t
            .base_tariff_pct
            .as_ref()
            .map(|n| decimal(&o.at("base_tariff_pct"), n))
            .transpose()?
            .unwrap_or_default();
        if before < Decimal::ZERO || before + change <= Decimal::from(-100) {
            return Err(o.at("tariff_change_pp").error(
                Some(&change.to_string()),
                "a change that leaves the tariff above -100% (from a base tariff of 0 or more)",
                Vec::new(),
            ));
        }
        shocks.push(Shock {
            flow: Flow::Imports,
            group: group(&o.at("group"), &t.group)?,
            partner: Some(partner(&o.at("partner"), &t.partner)?),
            kind: ShockKind::Tariff(TariffChange {
                start: start(&o.at("start"), &t.start)?,
                tariff_change_pp: change,
                base_tariff_pct: before,
                elasticity,
            }),
            origin: o.describe(),
        });
    }
    let shown = body
        .partners
        .as_ref()
        .map(|v| {
            v.iter()
                .enumerate()
                .map(|(i, p)| partner(&root.at("partners").item(i), p))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    if shown
        .as_ref()
        .is_some_and(|v| v.len() > params::MAX_LIST_VALUES)
    {
        return Err(root.at("partners").error(
            None,
            format!("at most {} partners", params::MAX_LIST_VALUES),
            Vec::new(),
        ));
    }
    Ok(Spec {
        groups,
        base,
        horizon,
        baseline,
        trend_periods,
        shocks,
        shown,
    })
}

/// One partner (or the world, or the rest of the world) of a market in one
/// period: the baseline and the scenario side by side, with their
/// differences (scenario - baseline). Money in whole dollars.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioRecord<'a> {
    pub dataset: &'a str,
    #[schema(example = "all")]
    pub group: &'static str,
    /// `WLD` (the market), `ROW` (the partners the dataset does not list)
    /// or a partner.
    #[schema(value_type = String, example = "CN")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    #[schema(value_type = String, example = "2025")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    /// `base` (the last period of history: the dataset's figures) or
    /// `projection`.
    #[schema(example = "projection")]
    pub kind: &'static str,
    pub imports_baseline_usd: Option<i64>,
    pub imports_scenario_usd: Option<i64>,
    pub imports_difference_usd: Option<i64>,
    pub exports_baseline_usd: Option<i64>,
    pub exports_scenario_usd: Option<i64>,
    pub exports_difference_usd: Option<i64>,
    /// exports - imports.
    pub balance_baseline_usd: Option<i64>,
    pub balance_scenario_usd: Option<i64>,
    pub balance_difference_usd: Option<i64>,
    /// Trade specialisation index, (X - M) / (X + M).
    pub tsi_baseline: Option<f64>,
    pub tsi_scenario: Option<f64>,
    /// Share of the market's imports and exports, in percent.
    pub imports_share_baseline_pct: Option<f64>,
    pub imports_share_scenario_pct: Option<f64>,
    pub exports_share_baseline_pct: Option<f64>,
    pub exports_share_scenario_pct: Option<f64>,
    /// The market's Herfindahl-Hirschman index over its listed partners
    /// (the world's record only).
    pub hhi_imports_baseline: Option<f64>,
    pub hhi_imports_scenario: Option<f64>,
    pub hhi_exports_baseline: Option<f64>,
    pub hhi_exports_scenario: Option<f64>,
    /// Why a value of the record is null (the first one), null when none is.
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub reason: Reason,
    /// `reported` for the base period, `derived` for projections.
    #[schema(value_type = wire::Status)]
    pub status: Status,
}

fn first_reason(values: &[Option<atp_core::analytics::Undefined>]) -> Reason {
    values.iter().flatten().next().copied()
}

impl<'a> ScenarioRecord<'a> {
    fn new(ds: &'a DatasetView, r: &ScenarioRow) -> ScenarioRecord<'a> {
        let ok = |c: Computed<i64>| c.ok();
        let diff = |a: Computed<i64>, b: Computed<i64>| -> Computed<i64> {
            atp_core::analytics::difference(a?, b?)
        };
        let bal = |s: &scenario::Side| -> Computed<i64> {
            atp_core::analytics::balance(s.exports?, s.imports?)
        };
        let tsi = |s: &scenario::Side| -> Computed<f64> {
            atp_core::analytics::trade_specialisation_index(s.exports?, s.imports?)
        };
        let (b, s) = (&r.baseline, &r.scenario);
        let computed_i = [
            b.imports,
            s.imports,
            diff(s.imports, b.imports),
            b.exports,
            s.exports,
            diff(s.exports, b.exports),
            bal(b),
            bal(s),
            diff(bal(s), bal(b)),
        ];
        let mut computed_f = vec![
            tsi(b),
            tsi(s),
            r.baseline_share.0,
            r.scenario_share.0,
            r.baseline_share.1,
            r.scenario_share.1,
        ];
        if let Some(h) = &r.hhi {
            computed_f.extend(h.iter().copied());
        }
        let mut reasons: Vec<Option<atp_core::analytics::Undefined>> =
            computed_i.iter().map(|c| c.err()).collect();
        reasons.extend(computed_f.iter().map(|c| c.err()));
        let hhi = |i: usize| r.hhi.as_ref().and_then(|h| h[i].ok());
        ScenarioRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            period: r.period,
            frequency: r.period.frequency(),
            kind: if r.is_base { "base" } else { "projection" },
            imports_baseline_usd: ok(computed_i[0]),
            imports_scenario_usd: ok(computed_i[1]),
            imports_difference_usd: ok(computed_i[2]),
            exports_baseline_usd: ok(computed_i[3]),
            exports_scenario_usd: ok(computed_i[4]),
            exports_difference_usd: ok(computed_i[5]),
            balance_baseline_usd: ok(computed_i[6]),
            balance_scenario_usd: ok(computed_i[7]),
            balance_difference_usd: ok(computed_i[8]),
            tsi_baseline: computed_f[0].ok(),
            tsi_scenario: computed_f[1].ok(),
            imports_share_baseline_pct: computed_f[2].ok(),
            imports_share_scenario_pct: computed_f[3].ok(),
            exports_share_baseline_pct: computed_f[4].ok(),
            exports_share_scenario_pct: computed_f[5].ok(),
            hhi_imports_baseline: hhi(0),
            hhi_imports_scenario: hhi(1),
            hhi_exports_baseline: hhi(2),
            hhi_exports_scenario: hhi(3),
            reason: first_reason(&reasons),
            status: if r.is_base {
                Status::Reported
            } else {
                Status::Derived
            },
        }
    }
}

/// Computes and renders a checked request.
fn render<'m>(
    model: &'m ReadModel,
    body: &ScenarioBody,
    root: &Origin,
    page: PageRequest,
    view: View<'m>,
    mut meta_of: impl FnMut(&ReadModel, &DatasetView) -> Meta,
) -> Result<Rendered, ApiError> {
    let dataset = body.dataset.clone().map(DatasetArg);
    let as_of = body
        .as_of
        .as_deref()
        .map(|d| {
            atp_core::catalog::check_date("as_of", d)
                .map(|_| DateArg(d.to_owned()))
                .map_err(|e| root.at("as_of").invalid(e))
        })
        .transpose()?;
    let ds = params::dataset_vintage(
        model,
        dataset.as_ref(),
        body.vintage.as_ref(),
        as_of.as_ref(),
    )
    .map_err(|e| match (root, e) {
        (
            Origin::Body(p),
            ApiError::InvalidParameter {
                parameter,
                value,
                expected,
                allowed,
            },
        ) => ApiError::InvalidBody {
            pointer: format!("{p}/{parameter}"),
            value: Some(value),
            expected,
            allowed,
            malformed: false,
        },
        (Origin::Body(p), ApiError::NotFound { id, detail, .. }) => ApiError::InvalidBody {
            pointer: format!("{p}/dataset"),
            value: Some(id),
            expected: detail,
            allowed: model.datasets().iter().map(|d| d.id().to_owned()).collect(),
            malformed: false,
        },
        (_, e) => e,
    })?;
    let spec = spec(model, ds, body, root)?;
    let rows = scenario::run(model, ds, &spec).map_err(|e| root.refused(e))?;
    let records: Vec<ScenarioRecord> = rows.iter().map(|r| ScenarioRecord::new(ds, r)).collect();
    let mut meta = meta_of(model, ds);
    meta.frequency = Some(spec.base.frequency().as_str());
    meta.notes = scenario_notes(&spec);
    render_listing(records, page, meta, view)
}

/// What a reader of the answer should know of the scenario as understood.
fn scenario_notes(spec: &Spec) -> Vec<String> {
    let mut notes = vec![format!(
        "Base period {}; {} periods projected; baseline {}.",
        spec.base,
        spec.horizon,
        match spec.baseline {
            BaselineMethod::Flat =>
                "flat (the base period's levels held; for months, the last twelve repeated)"
                    .to_owned(),
            BaselineMethod::Trend => format!(
                "trend (each series' compound growth over the {} periods to the base, continued; flat where undefined)",
                spec.trend_periods
            ),
        }
    )];
    notes.push(
        "Each group's market is its listed partners and the rest of the world (ROW: the world \
         less the partners listed), projected on its own; the world is their sum. Shocks are \
         relative to the baseline; values are whole dollars, rounded half away from zero."
            .to_owned(),
    );
    for s in &spec.shocks {
        let whom = s
            .partner
            .map_or("the whole market".to_owned(), |p| p.to_string());
        let group = s.group.map_or("every group".to_owned(), |g| g.to_string());
        notes.push(match &s.kind {
            ShockKind::Growth(g) => format!(
                "{}: {} of {whom}, {group}: {}% at {}, then {}% a period",
                s.origin, s.flow, g.change_pct, g.start, g.then_pct_per_period
            ),
            ShockKind::Tariff(t) => format!(
                "{}: tariff on imports from {whom}, {group}: {}% + {} points from {}, elasticity \
                 {} (imports x {}); default elasticity {DEFAULT_TARIFF_ELASTICITY}: Fajgelbaum, \
                 Goldberg, Kennedy and Khandelwal, The Return to Protectionism, QJE 2020",
                s.origin,
                t.base_tariff_pct,
                t.tariff_change_pp,
                t.start,
                t.elasticity,
                t.factor().map_or("?".to_owned(), |f| f.to_string())
            ),
        });
    }
    notes
}

/// The body read whole, at most [`MAX_BODY_BYTES`].
async fn read_body(mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::RequestTimeout(e.to_string()))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A JSON body to a request, or an error with the pointer of what is wrong.
fn parse_body(bytes: &[u8]) -> Result<ScenarioBody, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        let malformed = inner.is_syntax() || inner.is_eof();
        let pointer = if malformed {
            String::new()
        } else {
            pointer_of(e.path())
        };
        ApiError::InvalidBody {
            pointer,
            value: None,
            expected: format!(
                "{} (a scenario: see the ScenarioBody schema of /openapi.json)",
                inner
            ),
            allowed: Vec::new(),
            malformed,
        }
    })
}

/// A serde path (`shocks[0].change_pct`) as a JSON pointer
/// (`/shocks/0/change_pct`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

query_params! {
    /// Parameters of a scenario in its compact form: the query string
    /// instead of a JSON body.
    pub struct ScenarioQuery {
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// The markets projected (default: all).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// The last period of history (a year, a month or `latest`; default
        /// the latest year).
        #[example = "2024"]
        base: Option<PeriodArg>,
        /// Periods projected after the base: 1 to 20 years or 240 months.
        #[example = 6]
        #[missing = "the number of periods to project (1 to 20 years, or 240 months)"]
        horizon: HorizonArg,
        /// `flat` (default) or `trend`.
        #[example = "flat"]
        baseline: Option<String>,
        /// The trend's window, in periods (default: five years).
        trend_periods: Option<HorizonArg>,
        /// Growth paths, comma-separated or repeated:
        /// `FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]]`,
        /// `PARTNER` `*` for the whole market (e.g. `imports:CN:-20:3` for
        /// imports from China 20% below the baseline in the first year,
        /// then 3% a year more).
        #[example = "imports:CN:-20:3"]
        shock: Option<List<ShockArg>>,
        /// Tariff changes on imports, comma-separated or repeated:
        /// `PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]]`
        /// (default elasticity 2.53).
        #[example = "CN:25"]
        tariff: Option<List<ShockArg>>,
        /// The partners shown (default: every partner of the market).
        #[example = "CN,KR"]
        partner: Option<List<PartnerArg>>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

/// A number of periods, 1 to 240.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HorizonArg(pub u32);

impl params::Scalar for HorizonArg {
    const EXPECTED: &'static str = "a whole number from 1 to 240";
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        params::integer_schema(1, 240)
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=240).contains(n))
            .map(HorizonArg)
            .ok_or_else(|| ApiError::invalid(name, value, Self::EXPECTED))
    }
}

/// A shock or tariff in its compact form, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShockArg(pub String);

impl ListItem for ShockArg {
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(ShockArg(value.trim().to_owned()))
    }
}

impl Weighed for ScenarioQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

fn number(name: &'static str, whole: &str, part: &str) -> Result<serde_json::Number, ApiError> {
    serde_json::Number::from_str(part.trim())
        .map_err(|_| ApiError::invalid(name, whole, format!("a number, not {part:?}")))
}

/// The compact form as a request body.
fn body_of_query(q: &ScenarioQuery) -> Result<ScenarioBody, ApiError> {
    let opt = |s: Option<&&str>| {
        s.map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut shocks = Vec::new();
    for ShockArg(s) in q.shock.as_ref().map(List::values).unwrap_or_default() {
        let parts: Vec<&str> = s.split(':').collect();
        if !(3..=6).contains(&parts.len()) {
            return Err(ApiError::invalid(
                "shock",
                s,
                "FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]], PARTNER * for the whole market",
            ));
        }
        shocks.push(ShockBody {
            flow: parts[0].to_owned(),
            partner: Some(parts[1])
                .filter(|p| p.trim() != "*")
                .map(str::to_owned),
            change_pct: Some(number("shock", s, parts[2])?),
            then_pct_per_period: parts.get(3).map(|p| number("shock", s, p)).transpose()?,
            start: opt(parts.get(4)),
            group: opt(parts.get(5)),
        });
    }
    let mut tariffs = Vec::new();
    for ShockArg(t) in q.tariff.as_ref().map(List::values).unwrap_or_default() {
        let parts: Vec<&str> = t.split(':').collect();
        if !(2..=6).contains(&parts.len()) {
            return Err(ApiError::invalid(
                "tariff",
                t,
                "PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]]",
            ));
        }
        tariffs.push(TariffBody {
            partner: parts[0].to_owned(),
            tariff_change_pp: number("tariff", t, parts[1])?,
            start: opt(parts.get(2)),
            elasticity: parts
                .get(3)
                .filter(|p| !p.trim().is_empty())
                .map(|p| number("tariff", t, p))
                .transpose()?,
            base_tariff_pct: parts
                .get(4)
                .filter(|p| !p.trim().is_empty())
                .map(|p| number("tariff", t, p))
                .transpose()?,
            group: opt(parts.get(5)),
        });
    }
    Ok(ScenarioBody {
        dataset: q.dataset.as_ref().map(|d| d.0.clone()),
        vintage: q.vintage.clone(),
        as_of: q.as_of.as_ref().map(|d| d.0.clone()),
        groups: q
            .group
            .as_ref()
            .map(|l| l.values().iter().map(|g| g.as_str().to_owned()).collect()),
        base: q.base.as_ref().map(PeriodArg::shown),
        frequency: None,
        horizon: q.horizon.0,
        baseline: q.baseline.clone(),
        trend_periods: q.trend_periods.map(|t| t.0),
        shocks: (!shocks.is_empty()).then_some(shocks),
        tariffs: (!tariffs.is_empty()).then_some(tariffs),
        partners: q
            .partner
            .as_ref()
            .map(|l| l.values().iter().map(|p| p.0.clone()).collect()),
    })
}

/// Run a scenario
///
/// A group's market (its listed partners and the rest of the world, imports
/// and exports) projected from a base period by a baseline (`flat`: the
/// base levels held; `trend`: each series' compound growth continued), and
/// the same market under shocks: growth paths relative to the baseline
/// (for example imports from China 20% lower in 2025, then 3% a year more)
/// and tariff changes on imports turned into import changes through an
/// elasticity (default 2.53, Fajgelbaum et al. 2020). For each period, the
/// baseline and the scenario side by side: levels, balances, trade
/// specialisation indexes, shares of the market, and the market's HHI (on
/// the world's record), with their differences. Limits: 20 years or 240
/// months, 50 shocks and tariffs, a body of 64 KiB. A bad body is a 422
/// (400 if it is not JSON) naming the JSON pointer of the bad field. The
/// same body gives the same bytes and ETag.
#[utoipa::path(
    tag = "analysis",
    operation_id = "run_scenario",
    params(("limit" = Option<u32>, Query, description = "Page size, 1 to 10000 (default 1000)"), ("offset" = Option<u32>, Query, description = "Records to skip")),
    request_body(content = ScenarioBody, content_type = "application/json", example = json!({"dataset": "kiat-2026-04", "base": "2024", "horizon": 6, "shocks": [{"flow": "imports", "partner": "CN", "change_pct": -20, "then_pct_per_period": 3}], "tariffs": [{"partner": "MX", "tariff_change_pp": 25}]})),
    responses(
        (status = 200, description = "The baseline and the scenario, period by period (as CSV with `Accept: text/csv` or `format=csv`)", body = Envelope<ScenarioRecord>),
        (status = 400, description = "Bad parameter, or a body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A body that asks for something the service cannot do (its pointer says where)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded, or too many large queries at once", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/scenarios")]
pub async fn run_scenario(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let raw = params::RawQuery::parse(req.query_string(), &["format", "limit", "offset"])?;
    let format = <Option<FormatParam> as params::ParamType>::from_query(&raw, "format", None)?;
    let limit = <Option<Limit> as params::ParamType>::from_query(&raw, "limit", None)?;
    let offset = <Option<Offset> as params::ParamType>::from_query(&raw, "offset", None)?;
    let bytes = read_body(payload).await?;
    let body = parse_body(&bytes)?;
    let accept = params::format_from_accept(&req);
    let format = params::chosen(format, accept)?;
    let rendered = state
        .compute(move |model| {
            render(
                model,
                &body,
                &Origin::Body(String::new()),
                PageRequest::new(limit, offset),
                View::plain(format),
                |model, ds| meta(model, Some(ds), &raw, &["format", "limit", "offset"], &[]),
            )
        })
        .await?;
    Ok(state.respond_uncached(&req, rendered))
}

/// Run a scenario (compact form)
///
/// The scenario of `POST /v1/scenarios` from the query string, for
/// dashboards and links: cached like every listing. Shocks and tariffs in
/// their compact form (see the parameters); errors name the parameter.
#[utoipa::path(
    tag = "analysis",
    operation_id = "find_scenario",
    params(ScenarioQuery),
    responses(
        (status = 200, description = "The baseline and the scenario, period by period", content((Envelope<ScenarioRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded, or too many large queries at once", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/scenarios")]
pub async fn find_scenario(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &ScenarioQuery, raw, accept| {
            let body = body_of_query(q)?;
            render(
                model,
                &body,
                &Origin::Query(None),
                PageRequest::new(q.limit, q.offset),
                crate::view!(model, q, accept)?,
                |model, ds| meta(model, Some(ds), raw, ScenarioQuery::NAMES, &[]),
            )
        })
        .await
}
