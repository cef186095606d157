//! Charts of the same data as the listings, with the same filters,
//! provenance and caching: SVG documents drawn by `atp-charts` from rows of
//! `atp-query`. Korean with `lang=ko` (labels, units in 억 달러). Each chart
//! links to its data as CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_charts::{
    self as charts, BarSeries, Bars, Frame, Lang, Line, Lines, Step, StepKind, Waterfall,
};
use atp_core::{Flow, Frequency, GroupId, PartnerCode, Period};
use atp_query::decomposition::{self as decomp, DecomposeBy};
use atp_query::series::Transform;
use atp_query::{self as query, DatasetView, PeriodFilter, ReadModel, Selection};

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::{
    self, DatasetArg, DateArg, FlowParam, FrequencyParam, LangParam, List, MeasureParam,
    PartnerArg, PeriodArg, RollingParam, UnitsParam, WaterfallBy, Weighed,
};
use super::respond::Rendered;
use crate::query_params;

/// The language of `lang=`, else of the `Accept-Language` header.
fn lang_of(p: Option<LangParam>, asked: &params::Asked) -> Lang {
    crate::i18n::Language::chosen(p, asked.language).chart()
}

/// What a chart's labels say, in its language.
struct Words {
    lang: Lang,
}

impl Words {
    fn ko(&self) -> bool {
        self.lang == Lang::Ko
    }

    /// Whole dollars in the chart's unit: billions, or 억 (10^8).
    fn amount(&self, usd: i64) -> f64 {
        if self.ko() {
            usd as f64 / 1e8
        } else {
            usd as f64 / 1e9
        }
    }

    fn money_units(&self) -> &'static str {
        if self.ko() {
            "단위: 억 달러"
        } else {
            "billions of US dollars"
        }
    }

    fn group(&self, g: GroupId) -> String {
        match (g, self.ko()) {
            (GroupId::Group(gr), false) => gr.info().name_en.to_owned(),
            (GroupId::Group(gr), true) => gr.info().name_ko.to_owned(),
            (GroupId::All, false) => "All ATP groups".to_owned(),
            (GroupId::All, true) => "첨단기술제품 전체".to_owned(),
            (GroupId::AllGoods, false) => "All goods".to_owned(),
            (GroupId::AllGoods, true) => "전체 상품".to_owned(),
            (GroupId::NonAtp, false) => "Goods outside ATP".to_owned(),
            (GroupId::NonAtp, true) => "첨단기술제품 외 상품".to_owned(),
        }
    }

    fn partner(&self, model: &ReadModel, p: PartnerCode) -> String {
        match model.partner(p) {
            Some(e) if self.ko() => e.name_ko.clone().unwrap_or_else(|| e.name_en.clone()),
            Some(e) => e.name_en.clone(),
            None => p.to_string(),
        }
    }

    fn flow(&self, f: &str) -> &'static str {
        match (f, self.ko()) {
            ("imports", false) => "imports",
            ("imports", true) => "수입",
            ("exports", false) => "exports",
            ("exports", true) => "수출",
            (_, false) => "balance",
            (_, true) => "무역수지",
        }
    }

    fn period(&self, p: Period) -> String {
        if self.ko() {
            match p.month() {
                Some(m) => format!("{}년 {m}월", p.year()),
                None => format!("{}년", p.year()),
            }
        } else {
            p.to_string()
        }
    }

    fn source(&self, ds: &DatasetView) -> String {
        let (label, vintage) = if self.ko() {
            ("출처", "판")
        } else {
            ("Source", "vintage")
        };
        format!(
            "{label}: {} ({}, {vintage} {}). {}",
            ds.stored.info.title,
            ds.id(),
            ds.vintage(),
            ds.stored.info.citation
        )
    }
}

fn svg(body: String) -> Rendered {
    Rendered::new(body.into_bytes(), "image/svg+xml")
}

/// The first and last annual periods of a dataset (or the periods asked
/// for).
fn two_periods(
    ds: &DatasetView,
    frequency: Option<FrequencyParam>,
    from: Option<PeriodArg>,
    to: Option<PeriodArg>,
) -> Result<(Period, Period), ApiError> {
    let frequency = frequency.map_or(Frequency::Annual, FrequencyParam::frequency);
    let all = ds.periods_of(frequency);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return Err(ApiError::invalid(
            "frequency",
            frequency.as_str(),
            format!(
                "a frequency the dataset has ({})",
                ds.frequencies()
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let from = from.unwrap_or(PeriodArg::Period(*first));
    let to = to.unwrap_or(PeriodArg::Period(*last));
    params::growth_periods(
        ds,
        Some(match frequency {
            Frequency::Annual => FrequencyParam::Annual,
            Frequency::Monthly => FrequencyParam::Monthly,
        }),
        from,
        to,
    )
}

fn dataset<'m>(
    model: &'m ReadModel,
    dataset: Option<&DatasetArg>,
    vintage: Option<&String>,
    as_of: Option<&DateArg>,
) -> Result<&'m DatasetView, ApiError> {
    params::dataset_vintage(model, dataset, vintage, as_of)
}

query_params! {
    /// Parameters of the chart of each group's balance in two periods.
    pub struct GroupBalancesChartQuery {
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// The partner (default: the world).
        #[example = "WLD"]
        partner: Option<PartnerArg>,
        /// `annual` (default) or `monthly`.
        frequency: Option<FrequencyParam>,
        /// The two periods (default: the dataset's first and last).
        #[example = "2014"]
        from: Option<PeriodArg>,
        #[example = "2024"]
        to: Option<PeriodArg>,
        /// `en` (default) or `ko`.
        #[example = "ko"]
        lang: Option<LangParam>,
    }
}

impl Weighed for GroupBalancesChartQuery {}

/// Chart each group's balance in two periods
///
/// The trade balance (exports - imports) of every ATP group the dataset
/// covers, in two periods side by side: the brief's figure of nine groups,
/// 2014 against 2024, from the built-in dataset by default. SVG, with a
/// title, units, the source and a link to the data as CSV.
#[utoipa::path(
    tag = "charts",
    operation_id = "chart_group_balances",
    params(GroupBalancesChartQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/charts/group-balances.svg")]
pub async fn chart_group_balances(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &GroupBalancesChartQuery, _raw, asked| {
            let ds = dataset(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let words = Words {
                lang: lang_of(q.lang, &asked),
            };
            let partner = match &q.partner {
                Some(p) => params::partner(model, p)?,
                None => PartnerCode::WORLD,
            };
            let (from, to) = two_periods(ds, q.frequency, q.from, q.to)?;
            let groups: Vec<GroupId> = ds
                .groups_covered
                .iter()
                .map(|&g| GroupId::Group(g))
                .collect();
            let sel = Selection {
                groups: Some(groups.clone()),
                partners: Some(vec![partner]),
                frequency: from.frequency(),
                periods: PeriodFilter::List(vec![from, to]),
            };
            let rows = query::balances(model, ds, &sel);
            let value = |g: GroupId, p: Period| {
                rows.iter()
                    .find(|r| r.group == g && r.period == p)
                    .and_then(|r| r.balance_usd.ok())
            };
            let series: Vec<BarSeries> = [from, to]
                .iter()
                .map(|&p| BarSeries {
                    name: words.period(p),
                    values: groups
                        .iter()
                        .map(|&g| value(g, p).map(|v| words.amount(v)))
                        .collect(),
                })
                .collect();
            let categories: Vec<String> = groups.iter().map(|&g| words.group(g)).collect();
            let pname = words.partner(model, partner);
            let title = if words.ko() {
                format!(
                    "미국의 첨단기술제품 그룹별 무역수지{}, {}과 {}",
                    if partner == PartnerCode::WORLD {
                        String::new()
                    } else {
                        format!(" (대 {pname})")
                    },
                    words.period(from),
                    words.period(to)
                )
            } else {
                format!(
                    "US trade balance of each ATP group{}, {from} and {to}",
                    if partner == PartnerCode::WORLD {
                        String::new()
                    } else {
                        format!(" with {pname}")
                    }
                )
            };
            let desc = groups
                .iter()
                .map(|&g| {
                    let f = |p| {
                        value(g, p).map_or("-".to_owned(), |v| {
                            charts::format_number(words.amount(v), 1)
                        })
                    };
                    format!(
                        "{}: {} {}, {} {}",
                        words.group(g),
                        words.period(from),
                        f(from),
                        words.period(to),
                        f(to)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let href = format!(
                "/v1/balances?dataset={}&partner={partner}&period={from},{to}&group={}&format=csv",
                ds.id(),
                groups
                    .iter()
                    .map(|g| g.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
            Ok(svg(charts::bars(&Bars {
                frame: Frame {
                    lang: words.lang,
                    title,
                    desc: format!(
                        "{} ({}). {desc}.",
                        words.money_units(),
                        if words.ko() {
                            "수출 - 수입"
                        } else {
                            "exports - imports"
                        }
                    ),
                    units: words.money_units().to_owned(),
                    source: words.source(ds),
                    data_href: href,
                },
                categories,
                series,
            })))
        })
        .await
}

query_params! {
    /// Parameters of the chart of partners' shares in two periods.
    pub struct PartnerSharesChartQuery {
        /// imports or exports.
        #[example = "imports"]
        #[missing = "imports or exports"]
        flow: FlowParam,
        /// The group (default: all).
        #[example = "all"]
        group: Option<GroupId>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// `annual` (default) or `monthly`.
        frequency: Option<FrequencyParam>,
        /// The two periods (default: the dataset's first and last).
        #[example = "2014"]
        from: Option<PeriodArg>,
        #[example = "2024"]
        to: Option<PeriodArg>,
        /// `en` (default) or `ko`.
        lang: Option<LangParam>,
    }
}

impl Weighed for PartnerSharesChartQuery {}

/// Chart partners' shares in two periods
///
/// Each listed partner's share of the world's imports or exports of a
/// group, in two periods side by side (the largest twelve at the end
/// period): the brief's partner figures, from the built-in dataset by
/// default.
#[utoipa::path(
    tag = "charts",
    operation_id = "chart_partner_shares",
    params(PartnerSharesChartQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/charts/partner-shares.svg")]
pub async fn chart_partner_shares(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(
            &req,
            move |model, q: &PartnerSharesChartQuery, _raw, asked| {
                let ds = dataset(
                    model,
                    q.dataset.as_ref(),
                    q.vintage.as_ref(),
                    q.as_of.as_ref(),
                )?;
                let words = Words {
                    lang: lang_of(q.lang, &asked),
                };
                let group = q.group.unwrap_or(GroupId::All);
                let flow = q.flow.flow();
                let (from, to) = two_periods(ds, q.frequency, q.from, q.to)?;
                let sel = Selection {
                    groups: Some(vec![group]),
                    partners: None,
                    frequency: from.frequency(),
                    periods: PeriodFilter::List(vec![from, to]),
                };
                let rows = query::shares(model, ds, flow, &sel);
                // The partners ranked at the end period (never an aggregate
                // beside its members), the twelve largest.
                let mut partners: Vec<(PartnerCode, f64)> = rows
                    .iter()
                    .filter(|r| r.period == to && r.rank.is_some())
                    .filter_map(|r| r.share_pct.ok().map(|s| (r.partner, s)))
                    .collect();
                partners.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                partners.truncate(12);
                let share = |p: PartnerCode, at: Period| {
                    rows.iter()
                        .find(|r| r.partner == p && r.period == at)
                        .and_then(|r| r.share_pct.ok())
                };
                let series: Vec<BarSeries> = [from, to]
                    .iter()
                    .map(|&at| BarSeries {
                        name: words.period(at),
                        values: partners.iter().map(|&(p, _)| share(p, at)).collect(),
                    })
                    .collect();
                let categories: Vec<String> = partners
                    .iter()
                    .map(|&(p, _)| words.partner(model, p))
                    .collect();
                let (gname, fname) = (words.group(group), words.flow(flow.as_str()));
                let title = if words.ko() {
                    format!(
                        "미국 {gname} {fname}의 상대국별 비중, {}과 {}",
                        words.period(from),
                        words.period(to)
                    )
                } else {
                    format!("Partners' shares of US {gname} {fname}, {from} and {to}")
                };
                let units = if words.ko() {
                    "단위: 세계 전체 대비 %"
                } else {
                    "percent of the world total"
                };
                let desc = partners
                    .iter()
                    .map(|&(p, _)| {
                        let f = |at| {
                            share(p, at).map_or("-".to_owned(), |v| {
                                format!("{}%", charts::format_number(v, 1))
                            })
                        };
                        format!(
                            "{}: {} {}, {} {}",
                            words.partner(model, p),
                            words.period(from),
                            f(from),
                            words.period(to),
                            f(to)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let href = format!(
                    "/v1/shares?dataset={}&flow={}&group={}&period={from},{to}&format=csv",
                    ds.id(),
                    flow.as_str(),
                    group.as_str()
                );
                Ok(svg(charts::bars(&Bars {
                    frame: Frame {
                        lang: words.lang,
                        title,
                        desc: format!("{units}. {desc}."),
                        units: units.to_owned(),
                        source: words.source(ds),
                        data_href: href,
                    },
                    categories,
                    series,
                })))
            },
        )
        .await
}

query_params! {
    /// Parameters of the chart of series over time.
    pub struct SeriesChartQuery {
        /// imports, exports or balance.
        #[example = "imports"]
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// The group (default: all).
        #[example = "all"]
        group: Option<GroupId>,
        /// Partners, comma-separated: one line each, at most six (default:
        /// the world).
        #[example = "WLD"]
        partner: Option<List<PartnerArg>>,
        #[example = "census-atp"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// `annual` or `monthly` (default: from the periods given, else
        /// annual).
        #[example = "monthly"]
        frequency: Option<FrequencyParam>,
        /// The first and last period drawn (default: every period).
        #[example = "2015-01"]
        from: Option<PeriodArg>,
        #[example = "2024-12"]
        to: Option<PeriodArg>,
        /// The transform (as the listings: lin, chg, ch1, pch, pc1, pca, log).
        units: Option<UnitsParam>,
        /// A rolling sum of a monthly series: trailing-12 or year-to-date.
        rolling: Option<RollingParam>,
        /// Periods to forecast after the last one drawn (one partner, the
        /// level): the forecast of /v1/forecasts (method auto), dashed,
        /// with its intervals shaded.
        #[example = 12]
        forecast: Option<crate::forecasts::Horizon>,
        /// The intervals shaded, in percent (default 80,95).
        #[example = "80,95"]
        level: Option<List<crate::forecasts::Level>>,
        /// `en` (default) or `ko`.
        lang: Option<LangParam>,
    }
}

impl Weighed for SeriesChartQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        // A forecast fits a model: off the workers.
        if self.forecast.is_some() {
            usize::MAX
        } else {
            0
        }
    }
}

/// Chart series over time
///
/// One line per partner (at most six) of a group's imports, exports or
/// balance over time, annual or monthly, with the listings' transforms
/// (`units`, `rolling`).
#[utoipa::path(
    tag = "charts",
    operation_id = "chart_series",
    params(SeriesChartQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "With `forecast`: the series is too short for a forecast (`have`, `need`), or the model could not be fitted", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/charts/series.svg")]
pub async fn chart_series(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &SeriesChartQuery, _raw, asked| {
            let ds = dataset(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let words = Words {
                lang: lang_of(q.lang, &asked),
            };
            let group = q.group.unwrap_or(GroupId::All);
            let periods = params::periods(ds, q.frequency, None, None, q.from, q.to)?;
            let transform = params::transform(q.units, q.rolling, periods.0)?;
            let partners: Vec<PartnerCode> = match &q.partner {
                Some(list) => list
                    .values()
                    .iter()
                    .map(|p| params::partner(model, p))
                    .collect::<Result<_, _>>()?,
                None => vec![PartnerCode::WORLD],
            };
            if partners.len() > 6 {
                return Err(ApiError::invalid(
                    "partner",
                    &partners
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    "at most six partners: one line each",
                ));
            }
            let frequency = periods.0;
            let sel = Selection {
                groups: Some(vec![group]),
                partners: Some(partners.clone()),
                frequency,
                periods: periods.1.clone(),
            };
            let x: Vec<Period> = ds
                .periods_of(frequency)
                .iter()
                .copied()
                .filter(|&p| sel.periods.contains(p))
                .collect();
            let value_of = |partner: PartnerCode| -> Vec<Option<f64>> {
                let values: Vec<(Period, Option<f64>)> = match q.flow.measure() {
                    query::GrowthMeasure::Flow(f) => {
                        let rows = query::flows(
                            model,
                            ds,
                            f,
                            &Selection {
                                partners: Some(vec![partner]),
                                ..sel.clone()
                            },
                        );
                        let t = query::flow_values(model, ds, &sel, &rows, &transform);
                        rows.iter()
                            .zip(t)
                            .map(|(r, (v, _))| (r.key.period, unit_value(&words, &transform, v)))
                            .collect()
                    }
                    query::GrowthMeasure::Balance => {
                        let rows = query::balances(
                            model,
                            ds,
                            &Selection {
                                partners: Some(vec![partner]),
                                ..sel.clone()
                            },
                        );
                        let t = query::balance_values(model, ds, &sel, &rows, &transform);
                        rows.iter()
                            .zip(t)
                            .map(|(r, (v, _))| (r.period, unit_value(&words, &transform, v)))
                            .collect()
                    }
                };
                x.iter()
                    .map(|p| values.iter().find(|(q, _)| q == p).and_then(|(_, v)| *v))
                    .collect()
            };
            let mut lines: Vec<Line> = partners
                .iter()
                .map(|&p| Line {
                    name: words.partner(model, p),
                    values: value_of(p),
                    dashed: false,
                })
                .collect();
            let mut x_labels: Vec<String> = x.iter().map(|p| p.to_string()).collect();
            let mut all_periods: Vec<Period> = x.clone();
            let mut bands = Vec::new();
            let mut forecast_note = String::new();
            if let Some(ahead) = q.forecast {
                if partners.len() != 1 || !transform.is_level() {
                    return Err(ApiError::invalid(
                        "forecast",
                        &ahead.0.to_string(),
                        "a forecast of one partner's level: one partner, no units or rolling",
                    ));
                }
                let horizon = crate::forecasts::horizon(Some(ahead), frequency)?;
                let levels = crate::forecasts::levels(q.level.as_ref())?;
                let until = x.last().copied();
                let req = atp_query::forecast::ForecastRequest {
                    measure: q.flow.measure(),
                    group,
                    partner: partners[0],
                    frequency,
                    until,
                    horizon,
                    levels: levels.clone(),
                    method: atp_core::forecast::MethodChoice::Auto,
                };
                let series = format!("{}/{group}/{}", q.flow.measure().as_str(), partners[0]);
                let rows = atp_query::forecast::forecast(model, ds, &req)
                    .map_err(|e| crate::forecasts::forecast_error(e, &series, frequency, until))?;
                if let Some(rows) = rows {
                    let n_hist = x_labels.len();
                    let last_actual = lines[0].values.last().copied().flatten();
                    let pad = |v: &[f64]| -> Vec<Option<f64>> {
                        std::iter::repeat_n(None, n_hist.saturating_sub(1))
                            .chain(std::iter::once(last_actual))
                            .chain(v.iter().map(|usd| {
                                atp_core::forecast::whole_dollars(*usd)
                                    .ok()
                                    .map(|d| words.amount(d))
                            }))
                            .collect()
                    };
                    x_labels.extend(rows.periods.iter().map(|p| p.to_string()));
                    all_periods.extend(rows.periods.iter().copied());
                    for l in &mut lines {
                        l.values.resize(x_labels.len(), None);
                    }
                    // Widest first, so the narrower is drawn over it.
                    for iv in rows.forecast.intervals.iter().rev() {
                        let mut lower = pad(&iv.lower);
                        let mut upper = pad(&iv.upper);
                        // The band starts at the last actual value.
                        if let (Some(l), Some(u)) =
                            (lower.get_mut(n_hist - 1), upper.get_mut(n_hist - 1))
                        {
                            *l = last_actual;
                            *u = last_actual;
                        }
                        bands.push(charts::Band {
                            name: if words.ko() {
                                format!("{}% 예측구간", iv.level_pct)
                            } else {
                                format!("{}% interval", iv.level_pct)
                            },
                            lower,
                            upper,
                            opacity: if iv.level_pct >= 90 { 0.18 } else { 0.32 },
                        });
                    }
                    lines.push(Line {
                        name: if words.ko() {
                            "예측".to_owned()
                        } else {
                            "forecast".to_owned()
                        },
                        values: pad(&rows.forecast.point),
                        dashed: true,
                    });
                    forecast_note = format!(
                        " {} {} ({}).",
                        if words.ko() { "예측:" } else { "Forecast:" },
                        rows.forecast.model,
                        rows.forecast.chosen_because
                    );
                }
            }
            let fname = words.flow(q.flow.measure().as_str());
            let gname = words.group(group);
            let title = match (group, words.ko()) {
                (GroupId::All, true) => format!("미국의 첨단기술제품 {fname}"),
                (GroupId::All, false) => format!("US {fname} of advanced technology products"),
                (_, true) => format!("미국의 {gname} {fname}"),
                (_, false) => format!("US {fname}: {gname}"),
            };
            let units = if transform.is_level() || transform.units.is_dollars() {
                words.money_units().to_owned()
            } else {
                transform.units.describe().to_owned()
            };
            let desc = lines
                .iter()
                .map(|l| {
                    let last = l.values.iter().rposition(Option::is_some);
                    match last {
                        Some(i) => format!(
                            "{}: {} values, the last {} in {}",
                            l.name,
                            l.values.iter().flatten().count(),
                            charts::format_number(l.values[i].unwrap_or_default(), 1),
                            words.period(all_periods[i])
                        ),
                        None => format!("{}: no values", l.name),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            let endpoint = match q.flow.measure() {
                query::GrowthMeasure::Flow(Flow::Imports) => "imports",
                query::GrowthMeasure::Flow(Flow::Exports) => "exports",
                query::GrowthMeasure::Balance => "balances",
            };
            let mut href = format!(
                "/v1/{endpoint}?dataset={}&group={}&partner={}&frequency={}&format=csv",
                ds.id(),
                group.as_str(),
                partners
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                frequency.as_str()
            );
            if let (Some(a), Some(b)) = (x.first(), x.last()) {
                href.push_str(&format!("&from={a}&to={b}"));
            }
            if !transform.is_level() {
                href.push_str(&format!("&units={}", transform.units.as_str()));
                if let Some(r) = transform.rolling {
                    href.push_str(&format!("&rolling={}", r.as_str()));
                }
            }
            Ok(svg(charts::lines(&Lines {
                frame: Frame {
                    lang: words.lang,
                    title,
                    desc: format!("{units}. {desc}.{forecast_note}"),
                    units,
                    source: words.source(ds),
                    data_href: href,
                },
                x_labels,
                lines,
                bands,
            })))
        })
        .await
}

/// A transformed value in the chart's units: money in billions (or 억),
/// ratios as they are.
fn unit_value(
    words: &Words,
    transform: &Transform,
    v: atp_core::analytics::Computed<query::series::UnitValue>,
) -> Option<f64> {
    match v.ok()? {
        query::series::UnitValue::Usd(usd) if transform.units.is_dollars() => {
            Some(words.amount(usd))
        }
        query::series::UnitValue::Usd(usd) => Some(usd as f64),
        query::series::UnitValue::Number(n) => Some(n),
    }
}

query_params! {
    /// Parameters of the waterfall of a decomposed change.
    pub struct WaterfallChartQuery {
        /// imports, exports or balance.
        #[example = "balance"]
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// `group` (default: the ATP groups of the world's change) or
        /// `partner` (the partners of `all`).
        #[example = "group"]
        by: Option<WaterfallBy>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// `annual` (default) or `monthly`.
        frequency: Option<FrequencyParam>,
        /// The two periods (default: the dataset's first and last).
        #[example = "2014"]
        from: Option<PeriodArg>,
        #[example = "2024"]
        to: Option<PeriodArg>,
        /// `en` (default) or `ko`.
        lang: Option<LangParam>,
    }
}

impl Weighed for WaterfallChartQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

/// Chart a decomposed change as a waterfall
///
/// The change of the world's imports, exports or balance between two
/// periods as a waterfall: the start, each group's (or partner's) change
/// (the largest ten; the others together), what the dataset's cells do not
/// hold, the end.
#[utoipa::path(
    tag = "charts",
    operation_id = "chart_waterfall",
    params(WaterfallChartQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/charts/waterfall.svg")]
pub async fn chart_waterfall(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &WaterfallChartQuery, _raw, asked| {
            let ds = dataset(model, q.dataset.as_ref(), q.vintage.as_ref(), q.as_of.as_ref())?;
            let words = Words {
                lang: lang_of(q.lang, &asked),
            };
            let (from, to) = two_periods(ds, q.frequency, q.from, q.to)?;
            let by = match q.by {
                Some(WaterfallBy::Partner) => DecomposeBy::Partner,
                _ => DecomposeBy::Group,
            };
            let sel = Selection {
                groups: None,
                partners: None,
                frequency: from.frequency(),
                periods: PeriodFilter::List(vec![from, to]),
            };
            let measure = q.flow.measure();
            let rows = decomp::decompose(model, ds, measure, by, from, to, &sel);
            let Some(row) = rows.first() else {
                return Err(ApiError::invalid(
                    "from",
                    &from.to_string(),
                    format!("periods where the dataset has the world's total at both ends (it has none for {from} and {to})"),
                ));
            };
            let parts = &row.parts;
            let label = |c: &decomp::Cell| match by {
                DecomposeBy::Partner => words.partner(model, c.partner),
                _ => words.group(c.group),
            };
            let mut cells: Vec<&atp_core::decomposition::Contribution<decomp::Cell>> = parts.cells.iter().collect();
            cells.sort_by(|a, b| b.change_usd.unsigned_abs().cmp(&a.change_usd.unsigned_abs()).then(a.key.cmp(&b.key)));
            let mut steps = vec![Step {
                label: words.period(from),
                value: words.amount(parts.total_start_usd),
                kind: StepKind::Total,
            }];
            for c in cells.iter().take(10) {
                steps.push(Step {
                    label: label(&c.key),
                    value: words.amount(c.change_usd),
                    kind: StepKind::Change,
                });
            }
            let others: i64 = cells.iter().skip(10).map(|c| c.change_usd).sum::<i64>() + parts.residual.change_usd;
            if others != 0 {
                steps.push(Step {
                    label: if words.ko() { "기타".to_owned() } else { "Other".to_owned() },
                    value: words.amount(others),
                    kind: StepKind::Change,
                });
            }
            steps.push(Step {
                label: words.period(to),
                value: words.amount(parts.total_end_usd),
                kind: StepKind::Total,
            });
            let fname = words.flow(measure.as_str());
            let title = if words.ko() {
                format!("미국 첨단기술제품 {fname} 변화의 분해, {}→{}", words.period(from), words.period(to))
            } else {
                format!("What moved US ATP {fname} from {from} to {to}")
            };
            let desc = steps
                .iter()
                .map(|s| format!("{} {}", s.label, charts::format_number(s.value, 1)))
                .collect::<Vec<_>>()
                .join("; ");
            let href = format!(
                "/v1/decomposition?dataset={}&flow={}&by={}&from={from}&to={to}&format=csv",
                ds.id(),
                measure.as_str(),
                by.as_str()
            );
            Ok(svg(charts::waterfall(&Waterfall {
                frame: Frame {
                    lang: words.lang,
                    title,
                    desc: format!("{}. {desc}.", words.money_units()),
                    units: words.money_units().to_owned(),
                    source: words.source(ds),
                    data_href: href,
                },
                steps,
            })))
        })
        .await
}
