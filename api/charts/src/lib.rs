//! Charts as SVG documents written from templates: grouped bars (a value of
//! each category in two periods), lines over time (with shaded forecast
//! bands), and waterfalls (a change decomposed). No plotting crate and no
//! font file: the browser lays out the text in the font stack named, which
//! starts with a font that has Hangul; the service only writes elements.
//!
//! Every chart is accessible: a `<title>` and a `<desc>` (what it shows, in
//! words, with its figures), a link to the same data as CSV, a title, the
//! axis units and a source line. Elements carry classes a test can count:
//! `bar`, `point`, `segment`, `band`, `step`.

use std::fmt::Write as _;

/// The chart's language: labels, units and number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

/// The font stack: a font with Hangul first (Noto Sans CJK KR, from
/// Debian's fonts-noto-cjk), then the usual sans fonts.
pub const FONT_STACK: &str = "'Noto Sans CJK KR', 'Noto Sans KR', 'Noto Sans CJK', 'Apple SD Gothic Neo', 'Malgun Gothic', \
     'DejaVu Sans', Arial, sans-serif";

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 480.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 100.0;
/// Colours of the series, in order (colour-blind safe: Okabe-Ito).
const PALETTE: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
];

/// What every chart says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub lang: Lang,
    pub title: String,
    /// The accessible description: what the chart shows, with its figures.
    pub desc: String,
    /// The y axis' units ("billions of US dollars", "억 달러", "percent").
    pub units: String,
    /// The source line: dataset and citation.
    pub source: String,
    /// A link to the same data as CSV.
    pub data_href: String,
}

/// One series of a bar chart: a name (a period) and a value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Bars of each category side by side, one per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub frame: Frame,
    pub categories: Vec<String>,
    pub series: Vec<BarSeries>,
}

/// A line over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    /// One value per x label; `None` breaks the line.
    pub values: Vec<Option<f64>>,
    /// Drawn dashed (a forecast).
    pub dashed: bool,
}

/// A shaded band between a lower and an upper line (a prediction
/// interval).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// 0..1: how dark.
    pub opacity: f64,
}

/// Lines over time, with bands behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub frame: Frame,
    pub x_labels: Vec<String>,
    pub lines: Vec<Line>,
    pub bands: Vec<Band>,
}

/// What a waterfall step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A level (the start and the end).
    Total,
    /// A change, from the running level.
    Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub label: String,
    pub value: f64,
    pub kind: StepKind,
}

/// A change decomposed: the start, each part's change, the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    pub frame: Frame,
    pub steps: Vec<Step>,
}

/// Text escaped for XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number for an axis or a label: `1,234.5`; in Korean the same digits.
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Axis ticks: about five round numbers covering `lo..hi` (0 included).
fn ticks(lo: f64, hi: f64) -> (Vec<f64>, usize) {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut t = first;
    // Up to the first tick at or above the highest value.
    loop {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        if t >= hi - step * 1e-9 || out.len() >= 20 {
            break;
        }
        t += step;
    }
    // The fewest decimals that show the step exactly.
    let decimals = (0..=4)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(4) as usize;
    (out, decimals)
}

/// The document's opening: size, font, title, desc, and styles.
fn open(svg: &mut String, frame: &Frame, kind: &str) {
    let lang = match frame.lang {
        Lang::En => "en",
        Lang::Ko => "ko",
    };
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" lang="{lang}" class="chart chart-{kind}" font-family="{font}" font-size="13">
<title id="chart-title">{title}</title>
<desc id="chart-desc">{desc}</desc>
<style>.axis{{stroke:#888;stroke-width:1}} .grid{{stroke:#ddd;stroke-width:1}} .label{{fill:#333}} .source{{fill:#666;font-size:11px}} .heading{{font-size:17px;font-weight:bold;fill:#111}} a .data-link{{fill:#0059a3;text-decoration:underline}}</style>
<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>
<text class="heading" x="{LEFT}" y="28">{title}</text>
<text class="label units" x="{LEFT}" y="50">{units}</text>
"##,
        font = escape(FONT_STACK),
        title = escape(&frame.title),
        desc = escape(&frame.desc),
        units = escape(&frame.units),
    );
}

/// The source line, the link to the data, and the closing tag.
fn close(svg: &mut String, frame: &Frame) {
    let link = match frame.lang {
        Lang::En => "Data (CSV)",
        Lang::Ko => "데이터 (CSV)",
    };
    let _ = write!(
        svg,
        r##"<text class="source" x="{LEFT}" y="{sy}">{source}</text>
<a xlink:href="{href}" href="{href}"><text class="source data-link" x="{lx}" y="{sy}" text-anchor="end">{link}</text></a>
</svg>
"##,
        sy = HEIGHT - 12.0,
        lx = WIDTH - RIGHT,
        source = escape(&truncate(&frame.source, 110)),
        href = escape(&frame.data_href),
    );
}

fn truncate(s: &str, chars: usize) -> String {
    if s.chars().count() <= chars {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(chars - 1).collect();
        t.push('…');
        t
    }
}

/// The y axis: grid lines and labels; returns the value-to-y mapping.
fn y_axis(svg: &mut String, lo: f64, hi: f64) -> impl Fn(f64) -> f64 + use<> {
    let (ticks, decimals) = ticks(lo, hi);
    let (t_lo, t_hi) = (
        ticks.first().copied().unwrap_or(0.0),
        ticks.last().copied().unwrap_or(1.0),
    );
    let span = if t_hi - t_lo > 0.0 { t_hi - t_lo } else { 1.0 };
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = move |v: f64| TOP + (t_hi - v) / span * plot_h;
    for t in &ticks {
        let ty = y(*t);
        let class = if *t == 0.0 { "axis" } else { "grid" };
        let _ = writeln!(
            svg,
            r#"<line class="{class}" x1="{LEFT}" x2="{x2}" y1="{ty:.1}" y2="{ty:.1}"/><text class="label tick" x="{lx}" y="{ly:.1}" text-anchor="end">{label}</text>"#,
            x2 = WIDTH - RIGHT,
            lx = LEFT - 6.0,
            ly = ty + 4.0,
            label = format_number(*t, decimals),
        );
    }
    y
}

/// The legend, on the right of the units line.
fn legend(svg: &mut String, names: &[(&str, &str)]) {
    let width: f64 = names
        .iter()
        .map(|(n, _)| 28.0 + 7.5 * n.chars().count() as f64)
        .sum();
    let mut x = (WIDTH - RIGHT - width).max(WIDTH / 2.0);
    let ly = 50.0;
    for (name, colour) in names {
        let _ = writeln!(
            svg,
            r#"<rect class="legend-key" x="{x:.1}" y="{ky:.1}" width="12" height="12" fill="{colour}"/><text class="label legend" x="{tx:.1}" y="{ly:.1}">{name}</text>"#,
            ky = ly - 10.0,
            tx = x + 16.0,
            name = escape(name),
        );
        x += 28.0 + 7.5 * name.chars().count() as f64;
    }
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Category labels under the plot, rotated when there are many.
fn x_labels(svg: &mut String, labels: &[(f64, String)]) {
    let rotate = labels.len() > 6;
    let base = HEIGHT - BOTTOM + 16.0;
    for (x, label) in labels {
        if rotate {
            let _ = writeln!(
                svg,
                r#"<text class="label category" x="{x:.1}" y="{base:.1}" text-anchor="end" transform="rotate(-30 {x:.1} {base:.1})">{}</text>"#,
                escape(&truncate(label, 22))
            );
        } else {
            let _ = writeln!(
                svg,
                r#"<text class="label category" x="{x:.1}" y="{base:.1}" text-anchor="middle">{}</text>"#,
                escape(&truncate(label, 28))
            );
        }
    }
}

/// Grouped bars: for each category, one bar per series.
pub fn bars(chart: &Bars) -> String {
    let mut svg = String::with_capacity(8_192);
    open(&mut svg, &chart.frame, "bars");
    let (lo, hi) = range(
        chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied()),
    );
    let y = y_axis(&mut svg, lo, hi);
    let n = chart.categories.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / n;
    let k = chart.series.len().max(1) as f64;
    let bar_w = (slot * 0.8 / k).min(40.0);
    let mut labels = Vec::new();
    for (i, category) in chart.categories.iter().enumerate() {
        let centre = LEFT + slot * (i as f64 + 0.5);
        labels.push((centre, category.clone()));
        for (j, s) in chart.series.iter().enumerate() {
            let Some(v) = s.values.get(i).copied().flatten() else {
                continue;
            };
            let x = centre - bar_w * k / 2.0 + bar_w * j as f64;
            let (y0, y1) = (y(0.0), y(v));
            let _ = writeln!(
                svg,
                r#"<rect class="bar series-{j}" x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{name}, {category}: {value}</title></rect>"#,
                top = y0.min(y1),
                w = bar_w * 0.92,
                h = (y0 - y1).abs().max(0.5),
                colour = PALETTE[j % PALETTE.len()],
                name = escape(&s.name),
                category = escape(category),
                value = format_number(v, 1),
            );
        }
    }
    x_labels(&mut svg, &labels);
    let names: Vec<(&str, &str)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(j, s)| (s.name.as_str(), PALETTE[j % PALETTE.len()]))
        .collect();
    legend(&mut svg, &names);
    close(&mut svg, &chart.frame);
    svg
}

/// Lines over time, bands behind.
pub fn lines(chart: &Lines) -> String {
    let mut svg = String::with_capacity(16_384);
    open(&mut svg, &chart.frame, "lines");
    let (lo, hi) = range(
        chart
            .lines
            .iter()
            .flat_map(|l| l.values.iter().flatten().copied())
            .chain(
                chart
                    .bands
                    .iter()
                    .flat_map(|b| b.lower.iter().chain(&b.upper).flatten().copied()),
            ),
    );
    let y = y_axis(&mut svg, lo, hi);
    let n = chart.x_labels.len();
    let step = if n > 1 {
        (WIDTH - LEFT - RIGHT) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| {
        LEFT + step * i as f64
            + if n > 1 {
                0.0
            } else {
                (WIDTH - LEFT - RIGHT) / 2.0
            }
    };
    for (j, band) in chart.bands.iter().enumerate() {
        let mut upper = Vec::new();
        let mut lower = Vec::new();
        for i in 0..n {
            if let (Some(Some(l)), Some(Some(u))) = (band.lower.get(i), band.upper.get(i)) {
                upper.push(format!("{:.1},{:.1}", x(i), y(*u)));
                lower.push(format!("{:.1},{:.1}", x(i), y(*l)));
            }
        }
        if upper.is_empty() {
            continue;
        }
        lower.reverse();
        let _ = writeln!(
            svg,
            r##"<polygon class="band band-{j}" points="{} {}" fill="#0072B2" fill-opacity="{:.2}"><title>{}</title></polygon>"##,
            upper.join(" "),
            lower.join(" "),
            band.opacity,
            escape(&band.name),
        );
    }
    for (j, line) in chart.lines.iter().enumerate() {
        let colour = PALETTE[j % PALETTE.len()];
        let dash = if line.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        // One path per unbroken run (a segment), then the points.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, svg: &mut String| {
            if run.len() > 1 {
                let _ = writeln!(
                    svg,
                    r#"<polyline class="segment line-{j}" points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    run.join(" ")
                );
            }
            run.clear();
        };
        for i in 0..n {
            match line.values.get(i).copied().flatten() {
                Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(v))),
                None => flush(&mut run, &mut svg),
            }
        }
        flush(&mut run, &mut svg);
        let radius = if n > 60 { 1.2 } else { 3.0 };
        for i in 0..n {
            if let Some(v) = line.values.get(i).copied().flatten() {
                let _ = writeln!(
                    svg,
                    r#"<circle class="point line-{j}" cx="{:.1}" cy="{:.1}" r="{radius}" fill="{colour}"><title>{}, {}: {}</title></circle>"#,
                    x(i),
                    y(v),
                    escape(&line.name),
                    escape(&chart.x_labels[i]),
                    format_number(v, 1),
                );
            }
        }
    }
    // At most about twelve labels on the x axis.
    let every = n.div_ceil(12).max(1);
    let labels: Vec<(f64, String)> = (0..n)
        .filter(|i| i % every == 0 || *i == n - 1)
        .map(|i| (x(i), chart.x_labels[i].clone()))
        .collect();
    x_labels(&mut svg, &labels);
    let mut names: Vec<(&str, &str)> = chart
        .lines
        .iter()
        .enumerate()
        .map(|(j, l)| (l.name.as_str(), PALETTE[j % PALETTE.len()]))
        .collect();
    names.extend(chart.bands.iter().map(|b| (b.name.as_str(), "#9cc3e0")));
    legend(&mut svg, &names);
    close(&mut svg, &chart.frame);
    svg
}

/// A waterfall: the start, each change from the running level, the end.
pub fn waterfall(chart: &Waterfall) -> String {
    let mut svg = String::with_capacity(8_192);
    open(&mut svg, &chart.frame, "waterfall");
    let mut level = 0.0;
    let mut spans = Vec::with_capacity(chart.steps.len());
    for s in &chart.steps {
        let (a, b) = match s.kind {
            StepKind::Total => {
                level = s.value;
                (0.0, s.value)
            }
            StepKind::Change => {
                let from = level;
                level += s.value;
                (from, level)
            }
        };
        spans.push((a, b));
    }
    let (lo, hi) = range(spans.iter().flat_map(|(a, b)| [*a, *b]));
    let y = y_axis(&mut svg, lo, hi);
    let n = chart.steps.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / n;
    let w = (slot * 0.7).min(60.0);
    let mut labels = Vec::new();
    for (i, (s, (a, b))) in chart.steps.iter().zip(&spans).enumerate() {
        let centre = LEFT + slot * (i as f64 + 0.5);
        labels.push((centre, s.label.clone()));
        let colour = match s.kind {
            StepKind::Total => "#555555",
            StepKind::Change if s.value < 0.0 => "#D55E00",
            StepKind::Change => "#009E73",
        };
        let kind = match s.kind {
            StepKind::Total => "total",
            StepKind::Change => "change",
        };
        let (ya, yb) = (y(*a), y(*b));
        let _ = writeln!(
            svg,
            r#"<rect class="step step-{kind}" x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{label}: {value}</title></rect>"#,
            x = centre - w / 2.0,
            top = ya.min(yb),
            h = (ya - yb).abs().max(0.5),
            label = escape(&s.label),
            value = format_number(s.value, 1),
        );
    }
    x_labels(&mut svg, &labels);
    close(&mut svg, &chart.frame);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(lang: Lang) -> Frame {
        Frame {
            lang,
            title: "Balance <by> group".to_owned(),
            desc: "A & B".to_owned(),
            units: "billions of US dollars".to_owned(),
            source: "KIAT brief 2026-04".to_owned(),
            data_href: "/v1/balances?format=csv&a=1".to_owned(),
        }
    }

    fn count(svg: &str, class: &str) -> usize {
        svg.matches(&format!("class=\"{class}")).count()
    }

    #[test]
    fn bars_have_one_rect_per_value_and_escape_text() {
        let svg = bars(&Bars {
            frame: frame(Lang::En),
            categories: vec!["ICT".to_owned(), "Bio".to_owned(), "Aero".to_owned()],
            series: vec![
                BarSeries {
                    name: "2014".to_owned(),
                    values: vec![Some(-69.0), Some(1.1), Some(96.0)],
                },
                BarSeries {
                    name: "2024".to_owned(),
                    values: vec![Some(-231.0), None, Some(79.0)],
                },
            ],
        });
        assert_eq!(count(&svg, "bar "), 5);
        assert!(svg.contains("<title id=\"chart-title\">Balance &lt;by&gt; group</title>"));
        assert!(svg.contains("<desc id=\"chart-desc\">A &amp; B</desc>"));
        assert!(svg.contains("href=\"/v1/balances?format=csv&amp;a=1\""));
        assert!(svg.contains("Noto Sans CJK KR"));
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn lines_break_at_missing_values_and_shade_bands() {
        let svg = lines(&Lines {
            frame: frame(Lang::Ko),
            x_labels: (1..=6).map(|m| format!("2024-{m:02}")).collect(),
            lines: vec![Line {
                name: "수입".to_owned(),
                values: vec![Some(1.0), Some(2.0), None, Some(4.0), Some(5.0), Some(6.0)],
                dashed: false,
            }],
            bands: vec![Band {
                name: "80%".to_owned(),
                lower: vec![None, None, None, None, Some(4.0), Some(5.0)],
                upper: vec![None, None, None, None, Some(6.0), Some(7.0)],
                opacity: 0.3,
            }],
        });
        assert_eq!(count(&svg, "point "), 5);
        assert_eq!(count(&svg, "segment "), 2);
        assert_eq!(count(&svg, "band "), 1);
        assert!(svg.contains("lang=\"ko\"") && svg.contains("데이터 (CSV)"));
    }

    #[test]
    fn waterfalls_walk_from_the_start_to_the_end() {
        let svg = waterfall(&Waterfall {
            frame: frame(Lang::En),
            steps: vec![
                Step {
                    label: "2014".to_owned(),
                    value: 29.0,
                    kind: StepKind::Total,
                },
                Step {
                    label: "ICT".to_owned(),
                    value: -162.0,
                    kind: StepKind::Change,
                },
                Step {
                    label: "Other".to_owned(),
                    value: -167.0,
                    kind: StepKind::Change,
                },
                Step {
                    label: "2024".to_owned(),
                    value: -300.0,
                    kind: StepKind::Total,
                },
            ],
        });
        assert_eq!(count(&svg, "step "), 4);
        assert_eq!(count(&svg, "step step-change"), 2);
    }

    #[test]
    fn numbers_and_ticks_read_well() {
        assert_eq!(format_number(1234567.891, 1), "1,234,567.9");
        assert_eq!(format_number(-300.0, 0), "-300");
        assert_eq!(format_number(-0.04, 1), "0.0");
        let (t, d) = ticks(-300.0, 29.0);
        assert_eq!(t.first().copied(), Some(-300.0));
        assert!(t.contains(&0.0) && *t.last().unwrap_or(&0.0) >= 29.0);
        assert_eq!(d, 0);
        let (t, d) = ticks(0.0, 0.9);
        assert!(t.len() >= 4 && d >= 1, "{t:?} {d}");
    }
}
