//! Charts drawn as inline SVG in Rust: no JavaScript, printable, and always shown beside a table
//! with the same numbers.
//!
//! One value, [`Chart`], holds the numbers (rows × columns) and draws itself four ways: grouped
//! bars, stacked bars, a line per column, a heat map. [`Chart::svg`] is the drawing (every mark
//! has a `<title>` that the browser shows on hover), [`Chart::table`] the same numbers as a table
//! model, [`Chart::html`] both in one `<figure>` for templates (`{{ chart.html()|safe }}`).

mod draw;

use crate::service::dashboard::CategoryCount;

/// How a [`Chart`] is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Horizontal bars, one row per label, one thin bar per column.
    Bars,
    /// Horizontal bars, one row per label, one segment per column, the row total at the end.
    StackedBars,
    /// One line per column over the row labels (time on the x axis).
    Line,
    /// One cell per row × column, darker for larger numbers.
    HeatMap,
}

/// Numbers to draw: `rows` (a label and one value per column) × `columns` (the series names).
///
/// Bars: the rows are the bars, the columns the colours. Line: the rows are the points on the x
/// axis (months), the columns the lines. Heat map: rows and columns as in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Title (the SVG's accessible name and the table caption).
    pub title: String,
    /// How it is drawn.
    pub kind: ChartKind,
    /// Header of the label column of the table (单位, 月份…).
    pub axis: String,
    /// Series names.
    pub columns: Vec<String>,
    /// One label and one value per column.
    pub rows: Vec<(String, Vec<i64>)>,
    /// The table ends with a 合计 column (row sums; stacked bars by default).
    pub row_totals: bool,
}

/// A chart's numbers as a table: a header, one row per chart row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableModel {
    /// Caption (the chart title).
    pub caption: String,
    /// Column headers, the label column first.
    pub head: Vec<String>,
    /// One row per chart row.
    pub rows: Vec<TableRow>,
}

/// One row of a [`TableModel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The row label.
    pub label: String,
    /// The values (and the row sum when the chart has row totals).
    pub cells: Vec<i64>,
}

impl Chart {
    fn new(title: &str, kind: ChartKind, axis: &str, columns: &[&str], rows: Vec<(String, Vec<i64>)>) -> Chart {
        Chart {
            title: title.to_string(),
            kind,
            axis: axis.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            row_totals: kind == ChartKind::StackedBars,
        }
    }

    /// Grouped horizontal bars.
    pub fn bars(title: &str, axis: &str, columns: &[&str], rows: Vec<(String, Vec<i64>)>) -> Chart {
        Chart::new(title, ChartKind::Bars, axis, columns, rows)
    }

    /// Stacked horizontal bars (the table gets a 合计 column).
    pub fn stacked(title: &str, axis: &str, columns: &[&str], rows: Vec<(String, Vec<i64>)>) -> Chart {
        Chart::new(title, ChartKind::StackedBars, axis, columns, rows)
    }

    /// Lines over the row labels (one line per column).
    pub fn line(title: &str, axis: &str, columns: &[&str], rows: Vec<(String, Vec<i64>)>) -> Chart {
        Chart::new(title, ChartKind::Line, axis, columns, rows)
    }

    /// A heat map: one cell per row and column.
    pub fn heat_map(title: &str, axis: &str, columns: Vec<String>, rows: Vec<(String, Vec<i64>)>) -> Chart {
        Chart { columns, ..Chart::new(title, ChartKind::HeatMap, axis, &[], rows) }
    }

    /// Adds or removes the 合计 column of the table.
    pub fn with_row_totals(mut self, on: bool) -> Chart {
        self.row_totals = on;
        self
    }

    /// Nothing to draw (no rows, or every value is zero).
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(|r| r.1.iter().all(|v| *v == 0))
    }

    /// The value of row `i`, column `j` (0 when missing).
    pub fn value(&self, i: usize, j: usize) -> i64 {
        self.rows.get(i).and_then(|r| r.1.get(j)).copied().unwrap_or(0)
    }

    /// The drawing.
    pub fn svg(&self) -> String {
        match self.kind {
            ChartKind::Bars => draw::bars(self),
            ChartKind::StackedBars => draw::stacked(self),
            ChartKind::Line => draw::line(self),
            ChartKind::HeatMap => draw::heat_map(self),
        }
    }

    /// The same numbers as a table model.
    pub fn table(&self) -> TableModel {
        let mut head = vec![self.axis.clone()];
        head.extend(self.columns.iter().cloned());
        if self.row_totals {
            head.push("合计".into());
        }
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, (label, _))| {
                let mut cells: Vec<i64> = (0..self.columns.len()).map(|j| self.value(i, j)).collect();
                if self.row_totals {
                    cells.push(cells.iter().sum());
                }
                TableRow { label: label.clone(), cells }
            })
            .collect();
        TableModel { caption: self.title.clone(), head, rows }
    }

    /// The drawing and its table in one `<figure class="chart">` (the table is a responsive one,
    /// each cell labelled with its column for narrow screens).
    pub fn html(&self) -> String {
        let t = self.table();
        let mut s =
            format!("<figure class=\"chart\">{}<div class=\"table-wrap\"><table class=\"responsive\">", self.svg());
        s.push_str(&format!("<caption>{}</caption><thead><tr>", esc(&t.caption)));
        for (i, h) in t.head.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            s.push_str(&format!("<th{class}>{}</th>", esc(h)));
        }
        s.push_str("</tr></thead><tbody>");
        for r in &t.rows {
            s.push_str(&format!("<tr><td data-label=\"{}\">{}</td>", esc(&t.axis_label()), esc(&r.label)));
            for (j, v) in r.cells.iter().enumerate() {
                let h = t.head.get(j + 1).map(String::as_str).unwrap_or("");
                s.push_str(&format!("<td class=\"num\" data-label=\"{}\">{v}</td>", esc(h)));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table></div></figure>");
        s
    }
}

impl TableModel {
    fn axis_label(&self) -> String {
        self.head.first().cloned().unwrap_or_default()
    }
}

/// Escapes text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The home page's chart: full and probationary members per category, stacked.
pub fn category_chart(rows: &[CategoryCount]) -> Chart {
    Chart::stacked(
        "党员分类统计图",
        "人员类别",
        &["正式党员", "预备党员"],
        rows.iter().map(|r| (r.label.clone(), vec![r.full, r.probationary])).collect(),
    )
}

/// The home page's chart drawing (see [`category_chart`]).
pub fn category_bars(rows: &[CategoryCount]) -> String {
    category_chart(rows).svg()
}

#[cfg(test)]
mod tests;
