//! Development-case spreadsheets: the import layout of existing cases (one date column per step
//! plus the key details) with its template.

use rust_xlsxwriter::{Format, Workbook};

use super::write::{col_num, header_format, row_num};
use super::{CATEGORY_LABELS, ColumnSpec, EDUCATION_LABELS, ExcelError, GENDER_LABELS, TITLE_LABELS, col};

const REVIEW_LABELS: &[&str] = &["合格", "不合格"];

/// The import layout of existing development cases. Step columns are keyed by the step id
/// (GLOSSARY) and headed "N.步骤名"; vote columns belong to step 15 (`adm_`) and step 23 (`conv_`).
pub const DEVELOPMENT_COLUMNS: &[ColumnSpec] = &[
    col("name", "姓名", true, &[], "与身份证上的姓名一致"),
    col("id_card_no", "身份证号", false, &[], "18位居民身份证号；未填时须填出生日期和性别"),
    col("gender", "性别", false, GENDER_LABELS, "男或女"),
    col("birth_date", "出生日期", false, &[], "格式：2000-01-31"),
    col("category", "类别", false, CATEGORY_LABELS, "教师、学生、职工或离退休，默认学生"),
    col("staff_no", "工号/学号", false, &[], "教职工填工号，学生填学号"),
    col("education", "学历", false, EDUCATION_LABELS, "最高学历（统计高学历用）"),
    col("title", "职称", false, TITLE_LABELS, "专业技术职称（统计高职称用）"),
    col("enrollment_year", "入学年份", false, &[], "学生填写，如：2023（按年级统计用）"),
    col("branch", "所在党支部", true, &[], "填写党支部全称或编号"),
    col("application", "1.递交入党申请书", true, &[], "日期，必填"),
    col("talk", "2.党组织派人谈话", false, &[], "日期"),
    col("activist_recommendation", "3.推荐和确定入党积极分子", false, &[], "日期"),
    col("activist_filing", "4.上级党委备案", false, &[], "日期"),
    col("mentor_assignment", "5.指定培养联系人", false, &[], "日期"),
    col("activist_education", "6.培养教育考察", false, &[], "日期；多次考察用、分隔"),
    col("candidate_determination", "7.确定发展对象", false, &[], "日期"),
    col("candidate_filing", "8.报上级党委备案", false, &[], "日期（2026年细则：上级党委同意并公示）"),
    col("sponsor_assignment", "9.确定入党介绍人", false, &[], "日期"),
    col("political_review", "10.进行政治审查", false, &[], "日期"),
    col("intensive_training", "11.开展集中培训", false, &[], "日期"),
    col("committee_review", "12.支部委员会审查", false, &[], "日期"),
    col("pre_review", "13.上级党委预审", false, &[], "日期"),
    col("application_form", "14.填写入党志愿书", false, &[], "日期"),
    col("admission_vote", "15.支部大会讨论", false, &[], "日期"),
    col("approval_talk", "16.上级党委派人谈话", false, &[], "日期"),
    col("approval", "17.上级党委审批", false, &[], "日期"),
    col("approval_filing", "18.再上一级党委组织部门备案", false, &[], "日期"),
    col("group_assignment", "19.编入党支部和党小组", false, &[], "日期"),
    col("oath", "20.入党宣誓", false, &[], "日期"),
    col("probation_education", "21.继续教育考察", false, &[], "日期"),
    col("conversion_application", "22.提出转正申请", false, &[], "日期"),
    col("conversion_vote", "23.支部大会讨论（转正）", false, &[], "日期"),
    col("conversion_approval", "24.上级党委审批（转正）", false, &[], "日期"),
    col("archive", "25.材料归档", false, &[], "日期"),
    col("mentors", "培养联系人工号", false, &[], "1–2名正式党员的工号，用、分隔"),
    col("sponsors", "入党介绍人工号", false, &[], "2名正式党员的工号，用、分隔"),
    col("publicity_start", "公示开始", false, &[], "2026年细则：确定发展对象前的公示开始日期"),
    col("publicity_end", "公示结束", false, &[], "公示结束日期（不少于5个工作日）"),
    col("review_result", "政审结论", false, REVIEW_LABELS, "合格或不合格；登记了政治审查日期的必填"),
    col("training_days", "培训天数", false, &[], "集中培训天数（不少于3天或24学时）"),
    col("training_hours", "培训学时", false, &[], "集中培训学时"),
    col(
        "leaving_date",
        "预计离开单位日期",
        false,
        &[],
        "毕业、调离等预计离开工作、学习单位的日期（R1.13），随上级党委预审登记",
    ),
    col("adm_eligible", "支部大会应到", false, &[], "应到会有表决权人数；留空则按名册计算"),
    col("adm_present", "支部大会实到", false, &[], "实到会有表决权人数"),
    col("adm_written", "支部大会书面意见", false, &[], "会前正式提交书面意见人数"),
    col("adm_yes", "支部大会赞成", false, &[], "赞成票（含书面意见）"),
    col("adm_no", "支部大会反对", false, &[], "反对票"),
    col("adm_abstain", "支部大会弃权", false, &[], "弃权票"),
    col("conv_eligible", "转正大会应到", false, &[], "应到会有表决权人数；留空则按名册计算"),
    col("conv_present", "转正大会实到", false, &[], "实到会有表决权人数"),
    col("conv_written", "转正大会书面意见", false, &[], "书面意见人数"),
    col("conv_yes", "转正大会赞成", false, &[], "赞成票"),
    col("conv_no", "转正大会反对", false, &[], "反对票"),
    col("conv_abstain", "转正大会弃权", false, &[], "弃权票"),
    col("justification", "特殊情况说明", false, &[], "超出“一般”期限等需说明理由的情况"),
];

/// Columns typed as text in the template.
const TEXT_KEYS: &[&str] = &["id_card_no", "staff_no", "mentors", "sponsors", "activist_education"];

/// The import template of existing cases: headers (required ones marked *), text columns and a
/// 填写说明 sheet.
pub fn development_template() -> Result<Vec<u8>, ExcelError> {
    let mut workbook = Workbook::new();
    let header = header_format();
    let required = header_format().set_font_color("#C00000");
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name("发展党员档案")?;
    for (i, spec) in DEVELOPMENT_COLUMNS.iter().enumerate() {
        let c = col_num(i)?;
        if spec.required {
            sheet.write_string_with_format(0, c, format!("{}*", spec.header), &required)?;
        } else {
            sheet.write_string_with_format(0, c, spec.header, &header)?;
        }
        if TEXT_KEYS.contains(&spec.key) {
            sheet.set_column_format(c, &text)?;
        }
        let width = spec.header.chars().count() * 2 + 4;
        sheet.set_column_width(c, width.clamp(10, 30) as f64)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    let guide = workbook.add_worksheet();
    guide.set_name("填写说明")?;
    for (c, t) in ["列名", "是否必填", "可选值", "说明"].into_iter().enumerate() {
        guide.write_string_with_format(0, col_num(c)?, t, &header)?;
    }
    guide.set_column_width(0, 28)?;
    guide.set_column_width(3, 50)?;
    for (i, spec) in DEVELOPMENT_COLUMNS.iter().enumerate() {
        let r = row_num(i + 1)?;
        guide.write_string(r, 0, spec.header)?;
        guide.write_string(r, 1, if spec.required { "是" } else { "否" })?;
        guide.write_string(r, 2, if spec.choices.is_empty() { "—".to_string() } else { spec.choices.join("、") })?;
        guide.write_string(r, 3, spec.note)?;
    }
    let notes = [
        "填写要求：",
        "1. 每行一个发展对象，按实际发生的日期填写已完成的步骤，未进行的步骤留空。",
        "2. 每一行都按系统登记步骤的同一规则逐步检查（如确定发展对象须在确定入党积极分子一年以后，R1.8），违反规则的行不会导入。",
        "3. 先预览：所有行都没有错误时才能确认导入，导入要么全部成功，要么一行都不写入。",
        "4. 超出“一般”期限的情况须在“特殊情况说明”列写明理由。",
    ];
    let first = DEVELOPMENT_COLUMNS.len() + 2;
    for (i, line) in notes.into_iter().enumerate() {
        guide.write_string(row_num(first + i)?, 0, line)?;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules::development::Step;

    #[test]
    fn every_step_has_a_column_headed_with_its_number_and_label() {
        for s in Step::ALL {
            let c = DEVELOPMENT_COLUMNS.iter().find(|c| c.key == s.as_str()).unwrap();
            assert_eq!(c.header, format!("{}.{}", s.number(), s.label()));
        }
        let t = development_template().unwrap();
        assert!(t.starts_with(b"PK"));
    }
}
