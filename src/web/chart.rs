//! Charts drawn as inline SVG in Rust: no JavaScript, printable, and always shown beside a table
//! with the same numbers.

use crate::service::dashboard::CategoryCount;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Horizontal stacked bars: full and probationary members per category.
pub fn category_bars(rows: &[CategoryCount]) -> String {
    let max = rows.iter().map(|r| r.full + r.probationary).max().unwrap_or(0).max(1);
    let (w, bar_h, gap, left, right) = (560.0_f64, 22.0_f64, 12.0_f64, 70.0_f64, 80.0_f64);
    let h = (rows.len() as f64) * (bar_h + gap) + 34.0;
    let scale = (w - left - right) / max as f64;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"党员分类统计图\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">"
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * (bar_h + gap) + 4.0;
        let fw = r.full as f64 * scale;
        let pw = r.probationary as f64 * scale;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            left - 8.0,
            y + bar_h * 0.72,
            esc(&r.label)
        ));
        s.push_str(&format!("<rect x=\"{left}\" y=\"{y}\" width=\"{fw:.1}\" height=\"{bar_h}\" fill=\"#b71c1c\"><title>正式党员 {}</title></rect>", r.full));
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{y}\" width=\"{pw:.1}\" height=\"{bar_h}\" fill=\"#f0a35e\"><title>预备党员 {}</title></rect>",
            left + fw,
            r.probationary
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" fill=\"#222\">{}</text>",
            left + fw + pw + 6.0,
            y + bar_h * 0.72,
            r.full + r.probationary
        ));
    }
    let ly = h - 10.0;
    s.push_str(&format!(
        "<rect x=\"{left}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"#b71c1c\"/><text x=\"{}\" y=\"{ly}\">正式党员</text><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"#f0a35e\"/><text x=\"{}\" y=\"{ly}\">预备党员</text>",
        ly - 10.0,
        left + 16.0,
        left + 90.0,
        ly - 10.0,
        left + 106.0
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PersonCategory;

    #[test]
    fn bars_scale_to_the_largest_row_and_label_totals() {
        let rows = vec![
            CategoryCount { category: PersonCategory::Teacher, label: "教师".into(), full: 30, probationary: 10 },
            CategoryCount { category: PersonCategory::Student, label: "学生".into(), full: 5, probationary: 15 },
        ];
        let svg = category_bars(&rows);
        // The longest bar (40) spans the whole plot width (560 - 70 - 80 = 410): 30 → 307.5, 10 → 102.5.
        assert!(svg.contains("width=\"307.5\""), "{svg}");
        assert!(svg.contains("width=\"102.5\""), "{svg}");
        assert!(svg.contains(">40</text>") && svg.contains(">20</text>"));
        assert!(svg.contains(">教师</text>"));
    }
}
