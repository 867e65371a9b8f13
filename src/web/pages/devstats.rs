//! 发展党员统计 (issue 3 part 8): charts drawn as inline SVG, each followed by a table with the
//! same numbers; filters org + period; xlsx download.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{Ctx, FieldErrors, Flash, error_page, org_options, render};
use crate::service::development::stats::{DevStats, StageTime, StatsQuery};
use crate::web::AppState;
use crate::web::auth::PageUser;

pub fn routes() -> Router<AppState> {
    Router::new().route("/development/stats", get(page))
}

#[derive(Template)]
#[template(path = "development/stats.html")]
struct StatsTpl {
    ctx: Ctx,
    orgs: Vec<(i64, String)>,
    org: String,
    from: String,
    to: String,
    errors: FieldErrors,
    s: Option<DevStats>,
    funnel_svg: String,
    category_svg: String,
    times_svg: String,
    rules_svg: String,
    query: String,
}

impl StatsTpl {
    fn days(&self, t: &StageTime, median: bool) -> String {
        let v = if median { t.median_days } else { t.mean_days };
        v.map(|d| format!("{d}")).unwrap_or_else(|| "—".into())
    }
}

#[derive(Deserialize, Default)]
struct Q {
    #[serde(default)]
    org: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn page(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<Q>) -> Response {
    let mut errors = FieldErrors::new();
    let sq = StatsQuery {
        org: super::opt_id(&q.org, "org", &mut errors),
        from: super::opt_date(&q.from, "from", &mut errors),
        to: super::opt_date(&q.to, "to", &mut errors),
    };
    let orgs = match org_options(&st, &u.scope, &[]).await {
        Ok(o) => o,
        Err(e) => return error_page(&e),
    };
    let s = if errors.is_empty() {
        match crate::service::development::stats::compute(&st.db, &u.scope, &sq).await {
            Ok(s) => Some(s),
            Err(e) if e.status == 422 => {
                errors.extend(e.fields.clone());
                None
            }
            Err(e) => return error_page(&e),
        }
    } else {
        None
    };
    let (mut funnel_svg, mut category_svg, mut times_svg, mut rules_svg, mut query) =
        (String::new(), String::new(), String::new(), String::new(), String::new());
    if let Some(s) = &s {
        let series = ["入党申请人", "入党积极分子", "发展对象", "预备党员接收", "预备期考察和转正"];
        let rows: Vec<(String, Vec<i64>)> = s
            .funnel
            .iter()
            .map(|r| (r.unit.clone(), vec![r.applicant, r.activist, r.candidate, r.probationary, r.full]))
            .collect();
        funnel_svg = stacked_bars("各单位发展进度", &series, &rows);
        let cats: Vec<(String, Vec<i64>)> =
            s.categories.iter().map(|c| (c.label.clone(), vec![c.applied, c.admitted])).collect();
        category_svg = grouped_bars("分类统计", &["期内递交申请", "期内接收预备党员"], &cats);
        let times: Vec<(String, Vec<i64>)> = s
            .stage_times
            .iter()
            .map(|t| {
                (
                    t.label.clone(),
                    vec![t.median_days.unwrap_or(0.0).round() as i64, t.mean_days.unwrap_or(0.0).round() as i64],
                )
            })
            .collect();
        times_svg = grouped_bars("各阶段用时（天）", &["中位数", "平均"], &times);
        let rules: Vec<(String, Vec<i64>)> =
            s.overrides_by_rule.iter().map(|r| (r.rule.clone(), vec![r.count])).collect();
        rules_svg = grouped_bars("特殊情况说明（按规则）", &["次数"], &rules);
        query = format!("org={}&from={}&to={}", s.org_id, s.from, s.to);
    }
    render(&StatsTpl {
        ctx: Ctx::new(&u.scope, "devstats", &flash),
        orgs,
        org: q.org,
        from: s.as_ref().map_or(q.from.clone(), |s| s.from.to_string()),
        to: s.as_ref().map_or(q.to.clone(), |s| s.to.to_string()),
        errors,
        s,
        funnel_svg,
        category_svg,
        times_svg,
        rules_svg,
        query,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const COLORS: [&str; 5] = ["#b71c1c", "#e57373", "#f0a35e", "#8d6e63", "#5c6bc0"];
const W: f64 = 640.0;
const LEFT: f64 = 190.0;
const RIGHT: f64 = 60.0;
const BAR_H: f64 = 20.0;
const GAP: f64 = 10.0;

fn legend(series: &[&str], y: f64) -> String {
    let mut s = String::new();
    let mut x = 10.0_f64;
    for (i, name) in series.iter().enumerate() {
        let c = COLORS.get(i % COLORS.len()).copied().unwrap_or("#999");
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{c}\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 10.0,
            x + 16.0,
            esc(name)
        ));
        x += 24.0 + name.chars().count() as f64 * 13.0;
    }
    s
}

/// Horizontal stacked bars, one row per label, one segment per series (same numbers as the table).
fn stacked_bars(title: &str, series: &[&str], rows: &[(String, Vec<i64>)]) -> String {
    let max = rows.iter().map(|r| r.1.iter().sum::<i64>()).max().unwrap_or(0).max(1);
    let scale = (W - LEFT - RIGHT) / max as f64;
    let h = rows.len() as f64 * (BAR_H + GAP) + 40.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">",
        esc(title)
    );
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = i as f64 * (BAR_H + GAP) + 4.0;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            LEFT - 8.0,
            y + BAR_H * 0.72,
            esc(label)
        ));
        let mut x = LEFT;
        for (j, v) in values.iter().enumerate() {
            let w = *v as f64 * scale;
            let c = COLORS.get(j % COLORS.len()).copied().unwrap_or("#999");
            let name = series.get(j).copied().unwrap_or("");
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{c}\"><title>{} {v}</title></rect>",
                esc(name)
            ));
            x += w;
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222\">{}</text>",
            x + 6.0,
            y + BAR_H * 0.72,
            values.iter().sum::<i64>()
        ));
    }
    s.push_str(&legend(series, h - 8.0));
    s.push_str("</svg>");
    s
}

/// Horizontal grouped bars: per label one thin bar per series.
fn grouped_bars(title: &str, series: &[&str], rows: &[(String, Vec<i64>)]) -> String {
    let max = rows.iter().flat_map(|r| r.1.iter().copied()).max().unwrap_or(0).max(1);
    let scale = (W - LEFT - RIGHT) / max as f64;
    let k = series.len().max(1) as f64;
    let bar = (BAR_H / k).max(8.0);
    let row_h = bar * k + GAP;
    let h = rows.len() as f64 * row_h + 40.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">",
        esc(title)
    );
    for (i, (label, values)) in rows.iter().enumerate() {
        let y0 = i as f64 * row_h + 4.0;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            LEFT - 8.0,
            y0 + bar * k * 0.6,
            esc(label)
        ));
        for (j, v) in values.iter().enumerate() {
            let y = y0 + j as f64 * bar;
            let w = *v as f64 * scale;
            let c = COLORS.get(j % COLORS.len()).copied().unwrap_or("#999");
            let name = series.get(j).copied().unwrap_or("");
            s.push_str(&format!(
                "<rect x=\"{LEFT}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{c}\"><title>{} {v}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222\" font-size=\"11\">{v}</text>",
                bar - 1.0,
                esc(name),
                LEFT + w + 4.0,
                y + bar * 0.8
            ));
        }
    }
    s.push_str(&legend(series, h - 8.0));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_bars_scale_to_the_longest_row_and_label_totals() {
        let rows = vec![("甲学院".to_string(), vec![2, 2]), ("乙学院".to_string(), vec![1, 0])];
        let svg = stacked_bars("t", &["a", "b"], &rows);
        // 640 - 190 - 60 = 390 for the longest row (4): 2 → 195.
        assert!(svg.contains("width=\"195.0\""), "{svg}");
        assert!(svg.contains(">4</text>") && svg.contains(">甲学院</text>"));
        let g = grouped_bars("t", &["x"], &[("R1.4".into(), vec![3])]);
        assert!(g.contains("width=\"390.0\""), "{g}");
    }
}
