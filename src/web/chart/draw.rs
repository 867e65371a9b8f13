//! The geometry of the four chart kinds. Coordinates are in SVG user units of a 640-wide view
//! box (scaled by CSS); every mark carries a `<title>` naming its row, column and value.

use super::{Chart, esc};

/// View box width.
pub const W: f64 = 640.0;
/// Series colours (party red first), reused cyclically.
pub const COLORS: [&str; 6] = ["#b71c1c", "#f0a35e", "#e57373", "#8d6e63", "#5c6bc0", "#26a69a"];
const BAR_H: f64 = 20.0;
const GAP: f64 = 10.0;
/// Right margin of bar charts (room for the value after the bar).
const BAR_RIGHT: f64 = 60.0;
/// Line chart plot height.
const LINE_H: f64 = 180.0;
/// Left margin of the line chart (y tick labels).
const LINE_LEFT: f64 = 48.0;
/// Heat map cell height.
const CELL_H: f64 = 20.0;

fn color(j: usize) -> &'static str {
    COLORS.get(j % COLORS.len()).copied().unwrap_or("#999")
}

/// Approximate width of a text at font size 13: CJK characters are square, others about half.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 7.5 } else { 13.0 }).sum()
}

/// Width of the label column: the longest label, between 40 and 200 units.
pub fn label_area(labels: impl Iterator<Item = impl AsRef<str>>) -> f64 {
    let widest = labels.map(|l| text_width(l.as_ref())).fold(0.0, f64::max);
    (widest + 12.0).clamp(40.0, 200.0)
}

/// A label cut to `max` units (with "…"), the full text as its hover title.
fn label(x: f64, y: f64, anchor: &str, text: &str, max: f64) -> String {
    let mut shown = String::new();
    let mut w = 0.0;
    let cut = text_width(text) > max;
    for c in text.chars() {
        let cw = if c.is_ascii() { 7.5 } else { 13.0 };
        if cut && w + cw > max - 13.0 {
            shown.push('…');
            break;
        }
        w += cw;
        shown.push(c);
    }
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"#444\"><title>{}</title>{}</text>",
        esc(text),
        esc(&shown)
    )
}

fn open(c: &Chart, h: f64) -> String {
    format!(
        "<svg viewBox=\"0 0 {W} {h:.1}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">",
        esc(&c.title)
    )
}

fn legend(c: &Chart, y: f64) -> String {
    let mut s = String::new();
    if c.columns.len() < 2 {
        return s;
    }
    let mut x = 10.0_f64;
    for (j, name) in c.columns.iter().enumerate() {
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 10.0,
            color(j),
            x + 16.0,
            esc(name)
        ));
        x += 28.0 + text_width(name);
    }
    s
}

fn hover(c: &Chart, i: usize, j: usize, v: i64) -> String {
    let row = c.rows.get(i).map(|r| r.0.as_str()).unwrap_or("");
    match c.columns.get(j) {
        Some(col) if c.columns.len() > 1 || c.kind == super::ChartKind::HeatMap => {
            format!("<title>{} · {}：{v}</title>", esc(row), esc(col))
        }
        _ => format!("<title>{}：{v}</title>", esc(row)),
    }
}

/// Grouped horizontal bars: per row one thin bar per column, scaled to the largest value.
pub fn bars(c: &Chart) -> String {
    let left = label_area(c.rows.iter().map(|r| &r.0));
    let max = c.rows.iter().flat_map(|r| r.1.iter().copied()).max().unwrap_or(0).max(1);
    let scale = (W - left - BAR_RIGHT) / max as f64;
    let k = c.columns.len().max(1) as f64;
    let bar = (BAR_H / k).max(8.0);
    let row_h = bar * k + GAP;
    let h = c.rows.len() as f64 * row_h + if c.columns.len() > 1 { 36.0 } else { 8.0 };
    let mut s = open(c, h);
    for (i, (name, _)) in c.rows.iter().enumerate() {
        let y0 = i as f64 * row_h + 4.0;
        s.push_str(&label(left - 8.0, y0 + bar * k * 0.6 + 4.0, "end", name, left - 8.0));
        for j in 0..c.columns.len() {
            let v = c.value(i, j);
            let y = y0 + j as f64 * bar;
            let w = v.max(0) as f64 * scale;
            s.push_str(&format!(
                "<rect x=\"{left:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\">{}</rect><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222\" font-size=\"11\">{v}</text>",
                bar - 1.0,
                color(j),
                hover(c, i, j, v),
                left + w + 4.0,
                y + bar * 0.8
            ));
        }
    }
    s.push_str(&legend(c, h - 8.0));
    s.push_str("</svg>");
    s
}

/// Stacked horizontal bars: per row one segment per column, the longest row spans the plot, the
/// row total written after the bar.
pub fn stacked(c: &Chart) -> String {
    let left = label_area(c.rows.iter().map(|r| &r.0));
    let total = |i: usize| (0..c.columns.len()).map(|j| c.value(i, j).max(0)).sum::<i64>();
    let max = (0..c.rows.len()).map(total).max().unwrap_or(0).max(1);
    let scale = (W - left - BAR_RIGHT) / max as f64;
    let h = c.rows.len() as f64 * (BAR_H + GAP) + if c.columns.len() > 1 { 36.0 } else { 8.0 };
    let mut s = open(c, h);
    for (i, (name, _)) in c.rows.iter().enumerate() {
        let y = i as f64 * (BAR_H + GAP) + 4.0;
        s.push_str(&label(left - 8.0, y + BAR_H * 0.72, "end", name, left - 8.0));
        let mut x = left;
        for j in 0..c.columns.len() {
            let v = c.value(i, j);
            let w = v.max(0) as f64 * scale;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{}\">{}</rect>",
                color(j),
                hover(c, i, j, v)
            ));
            x += w;
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222\">{}</text>",
            x + 6.0,
            y + BAR_H * 0.72,
            total(i)
        ));
    }
    s.push_str(&legend(c, h - 8.0));
    s.push_str("</svg>");
    s
}

/// A "nice" axis for values up to `max`: (tick step, axis top), the step 1, 2 or 5 × 10ⁿ so that
/// at most 5 steps reach the top (integers only: counts).
pub fn nice_axis(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut mag = 1_i64;
    loop {
        for m in [1, 2, 5] {
            let step = m * mag;
            if step * 5 >= max {
                let top = (max + step - 1) / step * step;
                return (step, top);
            }
        }
        mag = mag.saturating_mul(10);
    }
}

/// One line per column over the row labels, y from 0 to a nice top, every point with its value.
pub fn line(c: &Chart) -> String {
    let top = 12.0;
    let h = top + LINE_H + if c.columns.len() > 1 { 58.0 } else { 30.0 };
    let plot_w = W - LINE_LEFT - 16.0;
    let max = c.rows.iter().flat_map(|r| r.1.iter().copied()).max().unwrap_or(0);
    let (step, ymax) = nice_axis(max);
    let n = c.rows.len();
    let x = |i: usize| {
        if n <= 1 { LINE_LEFT + plot_w / 2.0 } else { LINE_LEFT + i as f64 * plot_w / (n - 1) as f64 }
    };
    let y = |v: i64| top + LINE_H - v.max(0) as f64 / ymax as f64 * LINE_H;
    let mut s = open(c, h);
    let mut t = 0;
    while t <= ymax {
        s.push_str(&format!(
            "<line x1=\"{LINE_LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e5e5e5\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\" font-size=\"11\">{t}</text>",
            LINE_LEFT + plot_w,
            LINE_LEFT - 6.0,
            y(t) + 4.0,
            yy = y(t)
        ));
        t += step;
    }
    let every = n.div_ceil(12).max(1);
    for (i, (name, _)) in c.rows.iter().enumerate() {
        if i % every == 0 {
            s.push_str(&label(x(i), top + LINE_H + 18.0, "middle", name, 80.0));
        }
    }
    for j in 0..c.columns.len() {
        let pts: Vec<String> = (0..n).map(|i| format!("{:.1},{:.1}", x(i), y(c.value(i, j)))).collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            pts.join(" "),
            color(j)
        ));
        for i in 0..n {
            let v = c.value(i, j);
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\">{}</circle>",
                x(i),
                y(v),
                color(j),
                hover(c, i, j, v)
            ));
        }
    }
    s.push_str(&legend(c, h - 8.0));
    s.push_str("</svg>");
    s
}

/// The fill of a heat map cell: light grey for 0, then from pale to party red by `v / max`.
pub fn heat_color(v: i64, max: i64) -> String {
    if v <= 0 || max <= 0 {
        return "#f4f4f4".into();
    }
    let t = (v as f64 / max as f64).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(253.0, 183.0), mix(228.0, 28.0), mix(225.0, 28.0))
}

/// One cell per row × column, coloured by value; the value written in the cell when it fits,
/// column labels thinned so they do not overlap.
pub fn heat_map(c: &Chart) -> String {
    let left = label_area(c.rows.iter().map(|r| &r.0));
    let top = 24.0;
    let k = c.columns.len().max(1);
    let cell_w = (W - left - 8.0) / k as f64;
    let h = top + c.rows.len() as f64 * CELL_H + 36.0;
    let max = c.rows.iter().flat_map(|r| r.1.iter().copied()).max().unwrap_or(0);
    let mut s = open(c, h);
    let widest = c.columns.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 6.0;
    let every = ((widest / cell_w).ceil() as usize).max(1);
    for (j, name) in c.columns.iter().enumerate() {
        if j % every == 0 {
            s.push_str(&label(left + (j as f64 + 0.5) * cell_w, top - 8.0, "middle", name, widest));
        }
    }
    for (i, (name, _)) in c.rows.iter().enumerate() {
        let y = top + i as f64 * CELL_H;
        s.push_str(&label(left - 8.0, y + CELL_H * 0.72, "end", name, left - 8.0));
        for j in 0..c.columns.len() {
            let v = c.value(i, j);
            let x = left + j as f64 * cell_w;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\">{}</rect>",
                (cell_w - 1.0).max(0.5),
                CELL_H - 1.0,
                heat_color(v, max),
                hover(c, i, j, v)
            ));
            if cell_w >= 26.0 && v > 0 {
                let fg = if v as f64 / max as f64 > 0.55 { "#fff" } else { "#222" };
                s.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{fg}\" font-size=\"11\">{v}</text>",
                    x + cell_w / 2.0,
                    y + CELL_H * 0.7
                ));
            }
        }
    }
    let ly = h - 12.0;
    s.push_str(&format!("<text x=\"{left:.1}\" y=\"{ly:.1}\" font-size=\"11\" text-anchor=\"end\">0</text>"));
    for q in 0..5 {
        let v = if max <= 0 { 0 } else { (max * q + 3) / 4 };
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"18\" height=\"10\" fill=\"{}\"/>",
            left + 4.0 + q as f64 * 18.0,
            ly - 9.0,
            heat_color(v, max)
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"11\">{max}</text></svg>",
        left + 4.0 + 5.0 * 18.0 + 4.0
    ));
    s
}
