//! Checks on one member record: validation before saving (Block) and ongoing warnings.

use chrono::NaiveDate;

use super::{Finding, SUBJECT_MEMBER, Severity, development_rules_source};
use crate::calendar::{add_months, add_years, age_on, days_between, fmt_date, months_between};
use crate::domain::{Gender, MemberStatus, OrgKind, SpecialStatus};

/// Rule id of plain data-consistency checks that no regulation numbers.
const RULE_DATA: &str = "DATA";
/// Source of plain data-consistency checks.
const SRC_DATA: &str = "数据校验";
/// Rule id of the 身份证号 consistency checks.
const RULE_ID_CARD: &str = "GB11643";
/// Source of the 身份证号 consistency checks.
const SRC_ID_CARD: &str = "《公民身份号码》(GB 11643-1999)";
/// Source of R2.3.
const SRC_CONSTITUTION_8: &str = "《中国共产党章程》第八条";
/// Source of R5.2.
const SRC_EDUCATION_24: &str = "《中国共产党党员教育管理工作条例》第二十四条";

/// Source of R5.3.
const SRC_EDUCATION_25: &str = "《中国共产党党员教育管理工作条例》第二十五条";
/// Source of R5.4.
const SRC_MOBILE_CERTIFICATE: &str = "中共中央组织部《流动党员活动证》使用管理规定";
/// Source of R5.5.
const SRC_GRADUATES: &str = "中共中央组织部 组通字〔2015〕33号";
/// Months away at a fixed place after which the relationship must move (R5.3).
const AWAY_MONTHS: i32 = 6;
/// Years a graduate's relationship is generally kept at the university (R5.5).
const GRADUATE_RETAINED_YEARS: i32 = 2;

/// Minimum age to join (R1.2).
const MIN_AGE: i32 = 18;
/// Probation in years (R1.23).
const PROBATION_YEARS: i32 = 1;
/// Longest extension of probation in years (R1.24).
const MAX_EXTENSION_YEARS: i32 = 1;
/// Shortest extension of probation in months (R1.24).
const MIN_EXTENSION_MONTHS: i32 = 6;
/// Months out of contact after which 党籍 should be suspended (R5.2).
const LOST_CONTACT_MONTHS: i32 = 6;
/// Years of suspension after which the member is removed as 自行脱党 (R5.2).
const SUSPENDED_YEARS: i32 = 2;

/// What the member checks need to know about one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    /// Member id.
    pub member_id: i64,
    /// Member's name.
    pub name: String,
    /// Birth date as entered.
    pub birth_date: NaiveDate,
    /// Probationary or full.
    pub status: MemberStatus,
    /// Date the 党员大会 admitted the member (start of probation).
    pub joined_on: NaiveDate,
    /// Date full membership began (党龄), if converted.
    pub full_on: Option<NaiveDate>,
    /// Kind of organization the member belongs to; `None` = in no organization.
    pub org_kind: Option<OrgKind>,
    /// Special membership status.
    pub special_status: SpecialStatus,
    /// Date the special status began (流动党员: away since; 毕业生保留组织关系: graduation date).
    pub special_status_since: Option<NaiveDate>,
    /// A 流动党员 holds a 流动党员活动证 (R5.4).
    pub mobile_certificate: bool,
    /// Birth date and gender read from the 身份证号, if one is recorded.
    pub id_card: Option<(NaiveDate, Gender)>,
    /// Gender as entered.
    pub gender: Gender,
}

/// Starts a finding about this member.
fn finding(f: &MemberFacts, rule: &str, severity: Severity, source: &str, message: String) -> Finding {
    Finding::new(rule, severity, source, SUBJECT_MEMBER, f.member_id, f.name.as_str(), message)
}

/// Checks a record before it is saved; any Block finding means it must not be saved.
///
/// Every finding carries a fact with key `field` naming the input field it concerns
/// (`birth_date`, `joined_on`, `full_on`, `gender` or `status`); findings that compare with
/// the 身份证号 also carry `related_field` = `id_card_no`. The 18th birthday itself counts
/// as 年满十八岁 (RULES.md R1.2 default).
pub fn validate_member(f: &MemberFacts, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let who = format!("党员「{}」", f.name);

    if f.birth_date > today {
        out.push(
            finding(
                f,
                RULE_DATA,
                Severity::Block,
                SRC_DATA,
                format!("{who}的出生日期 {} 晚于今天 {}，请核对", fmt_date(f.birth_date), fmt_date(today)),
            )
            .fact("field", "字段", "birth_date")
            .fact("actual", "出生日期", fmt_date(f.birth_date))
            .fact("required", "最晚日期", fmt_date(today)),
        );
    }

    let adult_on = add_years(f.birth_date, MIN_AGE);
    if f.joined_on < adult_on {
        out.push(
            finding(
                f,
                "R1.2",
                Severity::Block,
                &development_rules_source(5, f.joined_on),
                format!(
                    "{who}入党日期 {} 时未满 {MIN_AGE} 周岁（{} 年满 {MIN_AGE} 周岁），年满十八岁方可入党",
                    fmt_date(f.joined_on),
                    fmt_date(adult_on)
                ),
            )
            .fact("field", "字段", "joined_on")
            .fact("actual", "入党日期", fmt_date(f.joined_on))
            .fact("required", "年满18周岁日期", fmt_date(adult_on))
            .fact("gap", "相差天数", days_between(f.joined_on, adult_on))
            .fact("age", "入党时周岁", age_on(f.birth_date, f.joined_on)),
        );
    }

    if f.joined_on > today {
        out.push(
            finding(
                f,
                RULE_DATA,
                Severity::Block,
                SRC_DATA,
                format!("{who}的入党日期 {} 晚于今天 {}，请核对", fmt_date(f.joined_on), fmt_date(today)),
            )
            .fact("field", "字段", "joined_on")
            .fact("actual", "入党日期", fmt_date(f.joined_on))
            .fact("required", "最晚日期", fmt_date(today)),
        );
    }

    let probation_end = add_years(f.joined_on, PROBATION_YEARS);
    match (f.status, f.full_on) {
        (MemberStatus::Full, None) => out.push(
            finding(
                f,
                "R1.23",
                Severity::Block,
                &development_rules_source(31, probation_end),
                format!("{who}为正式党员，但未填写转正日期（预备期满日为 {}）", fmt_date(probation_end)),
            )
            .fact("field", "字段", "full_on")
            .fact("actual", "转正日期", "未填写")
            .fact("required", "预备期满日", fmt_date(probation_end)),
        ),
        (MemberStatus::Probationary, Some(full_on)) => out.push(
            finding(
                f,
                "R1.23",
                Severity::Block,
                &development_rules_source(31, full_on),
                format!("{who}为预备党员，却填写了转正日期 {}，请改为正式党员或清除转正日期", fmt_date(full_on)),
            )
            .fact("field", "字段", "status")
            .fact("actual", "党员状态", MemberStatus::Probationary.label())
            .fact("full_on", "转正日期", fmt_date(full_on)),
        ),
        _ => {}
    }

    if let Some(full_on) = f.full_on {
        full_on_checks(f, full_on, probation_end, today, &mut out);
    }

    if let Some((id_birth, id_gender)) = f.id_card {
        if id_birth != f.birth_date {
            out.push(
                finding(
                    f,
                    RULE_ID_CARD,
                    Severity::Block,
                    SRC_ID_CARD,
                    format!(
                        "{who}的出生日期 {} 与身份证号中的出生日期 {} 不一致",
                        fmt_date(f.birth_date),
                        fmt_date(id_birth)
                    ),
                )
                .fact("field", "字段", "birth_date")
                .fact("related_field", "相关字段", "id_card_no")
                .fact("actual", "填写的出生日期", fmt_date(f.birth_date))
                .fact("required", "身份证号中的出生日期", fmt_date(id_birth)),
            );
        }
        if id_gender != f.gender {
            out.push(
                finding(
                    f,
                    RULE_ID_CARD,
                    Severity::Block,
                    SRC_ID_CARD,
                    format!("{who}的性别“{}”与身份证号中的性别“{}”不一致", f.gender.label(), id_gender.label()),
                )
                .fact("field", "字段", "gender")
                .fact("related_field", "相关字段", "id_card_no")
                .fact("actual", "填写的性别", f.gender.label())
                .fact("required", "身份证号中的性别", id_gender.label()),
            );
        }
    }
    out
}

/// R1.25 (no early conversion), R1.24 (at most one year's extension, at least half a year) and a future date.
fn full_on_checks(
    f: &MemberFacts,
    full_on: NaiveDate,
    probation_end: NaiveDate,
    today: NaiveDate,
    out: &mut Vec<Finding>,
) {
    let who = format!("党员「{}」", f.name);
    let latest = add_years(probation_end, MAX_EXTENSION_YEARS);
    let shortest_extension = add_months(probation_end, MIN_EXTENSION_MONTHS);
    let base = |rule: &str, severity, article: u32, message: String| {
        finding(f, rule, severity, &development_rules_source(article, full_on), message)
            .fact("field", "字段", "full_on")
            .fact("actual", "转正日期", fmt_date(full_on))
    };
    if full_on < probation_end {
        out.push(
            base(
                "R1.25",
                Severity::Block,
                32,
                format!(
                    "{who}转正日期 {} 早于预备期满日 {}（入党日期 {} 起一年），预备党员不能提前转正",
                    fmt_date(full_on),
                    fmt_date(probation_end),
                    fmt_date(f.joined_on)
                ),
            )
            .fact("required", "最早转正日期", fmt_date(probation_end))
            .fact("gap", "提前天数", days_between(full_on, probation_end)),
        );
    } else if full_on > latest {
        out.push(
            base(
                "R1.24",
                Severity::Block,
                31,
                format!(
                    "{who}转正日期 {} 晚于 {}；预备期为一年，延长预备期最长不超过一年",
                    fmt_date(full_on),
                    fmt_date(latest)
                ),
            )
            .fact("required", "最晚转正日期", fmt_date(latest))
            .fact("gap", "超出天数", days_between(latest, full_on)),
        );
    } else if full_on > probation_end && full_on < shortest_extension {
        out.push(
            base(
                "R1.24",
                Severity::Warn,
                31,
                format!(
                    "{who}转正日期 {} 晚于预备期满日 {} 但不足半年；按期转正的党龄从预备期满之日 {} 算起，延长预备期则不少于半年（至 {}）",
                    fmt_date(full_on),
                    fmt_date(probation_end),
                    fmt_date(probation_end),
                    fmt_date(shortest_extension)
                ),
            )
            .fact("required", "预备期满日", fmt_date(probation_end))
            .fact("shortest_extension", "延长半年的期满日", fmt_date(shortest_extension)),
        );
    }
    if full_on > today {
        out.push(
            finding(
                f,
                RULE_DATA,
                Severity::Block,
                SRC_DATA,
                format!("{who}的转正日期 {} 晚于今天 {}，请核对", fmt_date(full_on), fmt_date(today)),
            )
            .fact("field", "字段", "full_on")
            .fact("actual", "转正日期", fmt_date(full_on))
            .fact("required", "最晚日期", fmt_date(today)),
        );
    }
}

/// Ongoing checks as of a date: overdue conversion (R1.24), placement (R2.3), long loss of contact or suspension (R5.2).
pub fn check_member(f: &MemberFacts, as_of: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let who = format!("党员「{}」", f.name);

    if f.status == MemberStatus::Probationary {
        let probation_end = add_years(f.joined_on, PROBATION_YEARS);
        if as_of >= probation_end {
            let latest = add_years(probation_end, MAX_EXTENSION_YEARS);
            let overdue = days_between(probation_end, as_of);
            let advice = if as_of >= latest {
                format!(
                    "即使延长预备期（最长一年）也已于 {} 期满，应立即讨论其转正或取消预备党员资格",
                    fmt_date(latest)
                )
            } else {
                "党支部应及时讨论其能否转正（如已延长预备期，请登记延长期限）".to_string()
            };
            out.push(
                finding(
                    f,
                    "R1.24",
                    Severity::Warn,
                    &development_rules_source(31, probation_end),
                    format!(
                        "预备{who}{}，仍未转正，{advice}",
                        if overdue == 0 {
                            format!("预备期于今天 {} 期满", fmt_date(probation_end))
                        } else {
                            format!(
                                "预备期已于 {} 期满，至 {} 已超过 {overdue} 天",
                                fmt_date(probation_end),
                                fmt_date(as_of)
                            )
                        }
                    ),
                )
                .fact("joined_on", "入党日期", fmt_date(f.joined_on))
                .fact("required", "预备期满日", fmt_date(probation_end))
                .fact("actual", "检查日期", fmt_date(as_of))
                .fact("gap", "超期天数", overdue),
            );
        }
    }

    if !matches!(f.org_kind, Some(OrgKind::Branch | OrgKind::Group)) {
        let current = f.org_kind.map_or("未编入任何组织", OrgKind::label);
        out.push(
            finding(
                f,
                "R2.3",
                Severity::Warn,
                SRC_CONSTITUTION_8,
                format!(
                    "{who}未编入党支部或党小组（当前：{current}），每个党员必须编入一个党的支部、小组或其他特定组织"
                ),
            )
            .fact("actual", "所在组织类型", current)
            .fact("required", "应编入", "党支部或党小组"),
        );
    }

    special_status(f, as_of, &who, &mut out);
    away_or_graduated(f, as_of, &who, &mut out);
    out
}

/// R5.3 / R5.4: away six months or more → transfer the relationship or hold a 活动证; R5.5: a
/// graduate's relationship kept at the university for two years → transfer it. Findings only:
/// the branch decides.
fn away_or_graduated(f: &MemberFacts, as_of: NaiveDate, who: &str, out: &mut Vec<Finding>) {
    let (rule, source, due_of, what): (&str, &str, fn(NaiveDate) -> NaiveDate, &str) = match f.special_status {
        SpecialStatus::Mobile => ("R5.3", SRC_EDUCATION_25, |d| add_months(d, AWAY_MONTHS), "外出流动起始日期"),
        SpecialStatus::GraduateRetained => {
            ("R5.5", SRC_GRADUATES, |d| add_years(d, GRADUATE_RETAINED_YEARS), "毕业日期")
        }
        _ => return,
    };
    let Some(since) = f.special_status_since else {
        out.push(
            finding(
                f,
                rule,
                Severity::Info,
                source,
                format!("{who}为{}，但未登记{what}，无法计算期限", f.special_status.label()),
            )
            .fact("since", what, "未登记"),
        );
        return;
    };
    let due = due_of(since);
    if as_of < due {
        return;
    }
    let (rule, severity, source, message) = match f.special_status {
        SpecialStatus::Mobile if f.mobile_certificate => (
            "R5.4",
            Severity::Info,
            SRC_MOBILE_CERTIFICATE,
            format!(
                "{who}自 {} 起外出流动，至 {} 已满 {AWAY_MONTHS} 个月（{} 满），持有流动党员活动证；外出地点相对固定的，应转移正式组织关系，组织关系确实无法转移的方可继续持证参加流入地组织生活",
                fmt_date(since),
                fmt_date(as_of),
                fmt_date(due)
            ),
        ),
        SpecialStatus::Mobile => (
            "R5.3",
            Severity::Warn,
            SRC_EDUCATION_25,
            format!(
                "{who}自 {} 起外出流动，至 {} 已满 {AWAY_MONTHS} 个月（{} 满），未登记流动党员活动证；外出 6 个月以上且地点相对固定的，应转移组织关系，确实无法转移的应持流动党员活动证（R5.4）",
                fmt_date(since),
                fmt_date(as_of),
                fmt_date(due)
            ),
        ),
        _ => (
            "R5.5",
            Severity::Warn,
            SRC_GRADUATES,
            format!(
                "{who}于 {} 毕业，组织关系保留在学校至 {} 已满 {GRADUATE_RETAINED_YEARS} 年（{} 满），保留期限一般不超过 2 年，应督促其将组织关系转至工作单位或户籍所在地党组织",
                fmt_date(since),
                fmt_date(as_of),
                fmt_date(due)
            ),
        ),
    };
    out.push(
        finding(f, rule, severity, source, message)
            .fact("since", what, fmt_date(since))
            .fact("required", "期满日", fmt_date(due))
            .fact("actual", "检查日期", fmt_date(as_of))
            .fact("gap", "已超过天数", days_between(due, as_of))
            .fact("months", "已持续月数", months_between(since, as_of)),
    );
}

/// R5.2: lost contact for six months → 停止党籍; suspended for two years → 自行脱党.
fn special_status(f: &MemberFacts, as_of: NaiveDate, who: &str, out: &mut Vec<Finding>) {
    let (label, due_of): (&str, fn(NaiveDate) -> NaiveDate) = match f.special_status {
        SpecialStatus::LostContact => ("失去联系", |d| add_months(d, LOST_CONTACT_MONTHS)),
        SpecialStatus::Suspended => ("停止党籍", |d| add_years(d, SUSPENDED_YEARS)),
        _ => return,
    };
    let Some(since) = f.special_status_since else {
        out.push(
            finding(
                f,
                "R5.2",
                Severity::Info,
                SRC_EDUCATION_24,
                format!("{who}为{}，但未登记起始日期，无法计算期限", f.special_status.label()),
            )
            .fact("since", "起始日期", "未登记"),
        );
        return;
    };
    let due = due_of(since);
    if as_of < due {
        return;
    }
    let message = match f.special_status {
        SpecialStatus::LostContact => format!(
            "{who}自 {} 起{label}，至 {} 已 {} 个月（满 {LOST_CONTACT_MONTHS} 个月即应处理），经多方查找仍无法取得联系的，应停止其党籍",
            fmt_date(since),
            fmt_date(as_of),
            months_between(since, as_of)
        ),
        _ => format!(
            "{who}自 {} 起{label}，至 {} 已满 {SUSPENDED_YEARS} 年，仍无法取得联系的，按自行脱党予以除名（由党支部大会讨论决定并报上级党组织批准）",
            fmt_date(since),
            fmt_date(as_of)
        ),
    };
    out.push(
        finding(f, "R5.2", Severity::Warn, SRC_EDUCATION_24, message)
            .fact("since", "起始日期", fmt_date(since))
            .fact("required", "期满日", fmt_date(due))
            .fact("actual", "检查日期", fmt_date(as_of))
            .fact("gap", "已超过天数", days_between(due, as_of))
            .fact("months", "已持续月数", months_between(since, as_of)),
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "member_tests.rs"]
mod tests;
