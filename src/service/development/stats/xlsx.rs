//! The statistics as an xlsx workbook, one sheet per table.

use super::*;
use crate::excel::{Cell, ExcelError};

/// The statistics as an xlsx workbook, one sheet per table.
pub fn to_xlsx(s: &DevStats) -> Result<Vec<u8>, ExcelError> {
    let mut sheets: Vec<crate::excel::Sheet<'_>> = Vec::new();
    let funnel_headers = vec![
        "单位",
        "入党申请人",
        "入党积极分子",
        "发展对象",
        "预备党员接收",
        "预备期考察和转正",
        "进行中合计",
        "期内递交申请",
        "期内接收预备党员",
        "期内转正",
    ];
    let funnel_rows = s
        .funnel
        .iter()
        .chain(std::iter::once(&s.funnel_total))
        .map(|r| {
            vec![
                Cell::Text(r.unit.clone()),
                Cell::Int(r.applicant),
                Cell::Int(r.activist),
                Cell::Int(r.candidate),
                Cell::Int(r.probationary),
                Cell::Int(r.full),
                Cell::Int(r.open_total),
                Cell::Int(r.applied),
                Cell::Int(r.admitted),
                Cell::Int(r.converted),
            ]
        })
        .collect();
    sheets.push(("发展进度".into(), funnel_headers, funnel_rows));
    let cat_rows = s
        .categories
        .iter()
        .map(|c| vec![Cell::Text(c.label.clone()), Cell::Int(c.applied), Cell::Int(c.admitted)])
        .collect();
    sheets.push(("分类统计".into(), vec!["类别", "期内递交申请", "期内接收预备党员"], cat_rows));
    let time_rows = s
        .stage_times
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.label.clone()),
                Cell::Text(t.span.clone()),
                Cell::Int(t.count),
                Cell::Text(t.median_days.map(|d| format!("{d}")).unwrap_or_default()),
                Cell::Text(t.mean_days.map(|d| format!("{d}")).unwrap_or_default()),
            ]
        })
        .collect();
    sheets.push(("各阶段用时".into(), vec!["阶段", "起止", "人数", "中位数（天）", "平均（天）"], time_rows));
    let rule_rows = s
        .overrides_by_rule
        .iter()
        .map(|r| vec![Cell::Text(r.rule.clone()), Cell::Int(r.count), Cell::Int(r.cases)])
        .collect();
    sheets.push(("特殊情况按规则".into(), vec!["规则", "次数", "档案数"], rule_rows));
    let ov_rows = s
        .overrides
        .iter()
        .map(|o| {
            vec![
                Cell::Int(o.case_id),
                Cell::Text(o.name.clone()),
                Cell::Text(o.org_name.clone()),
                Cell::Text(o.rule.clone()),
                Cell::Text(o.reason.clone()),
                Cell::Text(o.user_name.clone()),
                Cell::Text(o.created_at.clone()),
            ]
        })
        .collect();
    sheets.push((
        "特殊情况说明".into(),
        vec!["档案编号", "姓名", "所在组织", "规则", "特殊情况说明", "登记人", "登记时间"],
        ov_rows,
    ));
    crate::excel::write_workbook(&sheets)
}
