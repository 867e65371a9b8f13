use super::draw::{heat_color, label_area, nice_axis};
use super::*;
use crate::domain::PersonCategory;

fn rows(v: &[(&str, &[i64])]) -> Vec<(String, Vec<i64>)> {
    v.iter().map(|(l, r)| (l.to_string(), r.to_vec())).collect()
}

#[test]
fn stacked_bars_scale_to_the_longest_row_and_label_totals() {
    let c = Chart::stacked("进度", "单位", &["a", "b"], rows(&[("甲学院", &[2, 2]), ("乙学院", &[1, 0])]));
    let svg = c.svg();
    // Label column 3 × 13 + 12 = 51; plot 640 - 51 - 60 = 529 for the longest row (4): 2 → 264.5.
    assert!(svg.contains("x=\"51.0\" y=\"4.0\" width=\"264.5\""), "{svg}");
    assert!(svg.contains("x=\"315.5\" y=\"4.0\" width=\"264.5\""), "second segment starts after the first: {svg}");
    assert!(svg.contains(">4</text>") && svg.contains(">1</text>"));
    assert!(svg.contains("<title>甲学院 · b：2</title>"), "hover names row, series and value");
    assert!(svg.contains("aria-label=\"进度\""));
    let t = c.table();
    assert_eq!(t.head, vec!["单位", "a", "b", "合计"]);
    assert_eq!(t.rows[0], TableRow { label: "甲学院".into(), cells: vec![2, 2, 4] });
    assert_eq!(t.rows[1].cells, vec![1, 0, 1]);
}

#[test]
fn category_chart_of_the_home_page() {
    let rows = vec![
        CategoryCount { category: PersonCategory::Teacher, label: "教师".into(), full: 30, probationary: 10 },
        CategoryCount { category: PersonCategory::Student, label: "学生".into(), full: 5, probationary: 15 },
    ];
    let svg = category_bars(&rows);
    // Label column at its minimum 40; plot 540 for the longest row (40): 30 → 405, 10 → 135.
    assert!(svg.contains("width=\"405.0\""), "{svg}");
    assert!(svg.contains("width=\"135.0\""), "{svg}");
    assert!(svg.contains(">40</text>") && svg.contains(">20</text>"));
    assert!(svg.contains("正式党员") && svg.contains("预备党员"), "legend");
    let t = category_chart(&rows).table();
    assert_eq!(t.rows[1].cells, vec![5, 15, 20]);
}

#[test]
fn grouped_bars_one_bar_per_series() {
    let c = Chart::bars("用时", "阶段", &["中位数", "平均"], rows(&[("R1.4", &[3, 6])]));
    let svg = c.svg();
    // Label 4 × 7.5 + 12 = 42; plot 640 - 42 - 60 = 538 for the largest value 6: 3 → 269.
    assert!(svg.contains("width=\"269.0\" height=\"9.0\""), "{svg}");
    assert!(svg.contains("width=\"538.0\""), "{svg}");
    assert!(svg.contains("<title>R1.4 · 平均：6</title>"));
    assert!(!c.row_totals);
    assert_eq!(c.table().head, vec!["阶段", "中位数", "平均"]);
    // One series: no legend, the hover names only the row.
    let one = Chart::bars("规则", "规则", &["次数"], rows(&[("R1.4", &[3])])).svg();
    assert!(one.contains("<title>R1.4：3</title>") && !one.contains(">次数</text>"), "{one}");
}

#[test]
fn nice_axis_steps_are_1_2_5() {
    assert_eq!(nice_axis(0), (1, 1));
    assert_eq!(nice_axis(3), (1, 3));
    assert_eq!(nice_axis(7), (2, 8));
    assert_eq!(nice_axis(100), (20, 100));
    assert_eq!(nice_axis(101), (50, 150));
    assert_eq!(nice_axis(4321), (1000, 5000));
}

#[test]
fn line_points_on_the_axis() {
    let c = Chart::line("每月", "月份", &["接收"], rows(&[("2026-01", &[0]), ("2026-02", &[4]), ("2026-03", &[8])]));
    let svg = c.svg();
    // Top 8 (step 2); plot x from 48 to 624, y from 192 (0) up to 12 (8).
    assert!(svg.contains("cx=\"48.0\" cy=\"192.0\""), "{svg}");
    assert!(svg.contains("cx=\"336.0\" cy=\"102.0\""), "{svg}");
    assert!(svg.contains("cx=\"624.0\" cy=\"12.0\""), "{svg}");
    assert!(svg.contains("points=\"48.0,192.0 336.0,102.0 624.0,12.0\""), "{svg}");
    assert!(svg.contains("<title>2026-02：4</title>"));
    assert!(svg.contains(">8</text>") && svg.contains(">0</text>"), "y ticks");
    assert_eq!(c.table().rows[2].cells, vec![8]);
}

#[test]
fn line_thins_its_x_labels() {
    let r: Vec<(String, Vec<i64>)> = (1..=36).map(|m| (format!("m{m}"), vec![m])).collect();
    let svg = Chart::line("t", "月份", &["a", "b"], r).svg();
    // 36 points, at most 12 labels: every third.
    assert!(svg.contains(">m1</text>") && svg.contains(">m4</text>") && !svg.contains(">m2</text>"), "{svg}");
    assert_eq!(svg.matches("<circle").count(), 72, "one point per row and series");
}

#[test]
fn heat_map_cells_darken_with_the_value() {
    assert_eq!(heat_color(0, 5), "#f4f4f4");
    assert_eq!(heat_color(5, 5), "#b71c1c");
    assert_eq!(heat_color(1, 0), "#f4f4f4");
    let c = Chart::heat_map(
        "接收",
        "单位",
        vec!["2026-01".into(), "2026-02".into()],
        rows(&[("甲", &[3, 0]), ("乙", &[1, 6])]),
    );
    let svg = c.svg();
    assert!(svg.contains("fill=\"#b71c1c\"><title>乙 · 2026-02：6</title>"), "{svg}");
    assert!(svg.contains("fill=\"#f4f4f4\"><title>甲 · 2026-02：0</title>"), "{svg}");
    assert!(svg.contains(">2026-01</text>"), "column labels");
    assert_eq!(c.table().head, vec!["单位", "2026-01", "2026-02"]);
    assert_eq!(c.table().rows[1].cells, vec![1, 6]);
}

#[test]
fn labels_are_escaped_and_long_ones_cut_with_the_full_text_as_title() {
    let long = "某某某某某某某某某某某某某某某某某某某某学院";
    let c = Chart::stacked("<t>", "单位", &["a&b"], rows(&[("<x>", &[1]), (long, &[2])]));
    let svg = c.svg();
    assert!(svg.contains("&lt;x&gt;") && !svg.contains("<x>"));
    assert!(svg.contains("aria-label=\"&lt;t&gt;\""));
    assert_eq!(label_area([long].iter()), 200.0);
    assert!(svg.contains(&format!("<title>{long}</title>")), "full name on hover");
    assert!(svg.contains("…</text>"), "cut label");
    let html = c.html();
    assert!(html.contains("<caption>&lt;t&gt;</caption>") && html.contains("<th class=\"num\">a&amp;b</th>"));
    assert!(html.contains("<td class=\"num\" data-label=\"合计\">2</td>"), "{html}");
}

#[test]
fn empty_charts_are_reported_empty() {
    assert!(Chart::bars("t", "a", &["x"], vec![]).is_empty());
    assert!(Chart::bars("t", "a", &["x"], rows(&[("r", &[0])])).is_empty());
    assert!(!Chart::bars("t", "a", &["x"], rows(&[("r", &[1])])).is_empty());
    // Drawing an empty chart does not divide by zero.
    for c in [
        Chart::stacked("t", "a", &["x"], vec![]),
        Chart::line("t", "a", &["x"], vec![]),
        Chart::heat_map("t", "a", vec![], vec![]),
    ] {
        assert!(!c.svg().contains("NaN") && !c.svg().contains("inf"));
    }
}
