//! Who may change a member's stage, joined date and full date (R1.23–R1.26): the development
//! workflow owns them for a member whose case is open or who came through a case; a historic
//! record (no case) may be corrected by an edit only with a recorded reason.

use chrono::NaiveDate;

use super::{Finding, SUBJECT_MEMBER, Severity, development_rules_source};
use crate::calendar::fmt_date;
use crate::domain::MemberStatus;

/// The member fields the development workflow owns (R1.23 joined, R1.25 stage, R1.26 full date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowFields {
    /// Probationary or full.
    pub status: MemberStatus,
    /// Date the 党员大会 admitted the member (start of probation, R1.23).
    pub joined_on: NaiveDate,
    /// Date full membership began (党龄, R1.26).
    pub full_on: Option<NaiveDate>,
}

/// The development case a member came through (or is still in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwningCase {
    /// Case id.
    pub case_id: i64,
    /// Whether the case is still open (probation running, conversion pending).
    pub open: bool,
}

/// One owned field: its input name, its label, the rule that gives it to the workflow, the
/// 2026 article of that rule and the workflow step that sets it.
struct Owned {
    field: &'static str,
    label: &'static str,
    rule: &'static str,
    article: u32,
    by: &'static str,
}

const STATUS: Owned = Owned {
    field: "status",
    label: "党员类别",
    rule: "R1.25",
    article: 32,
    by: "预备党员转为正式党员只能经转正申请、支部大会讨论和上级党委审批（发展党员第22–24步），预备党员不能提前转正",
};
const JOINED: Owned = Owned {
    field: "joined_on",
    label: "入党日期",
    rule: "R1.23",
    article: 31,
    by: "入党日期为支部大会通过接收其为预备党员之日，由发展党员流程的支部大会讨论（第15步）和上级党委审批（第17步）登记",
};
const FULL: Owned = Owned {
    field: "full_on",
    label: "转正日期",
    rule: "R1.26",
    article: 33,
    by: "转正日期（党龄起算日）为预备期满之日，只能由转正审批（第24步）登记；延长预备期、取消预备党员资格亦只能经支部大会和上级党委决定",
};

fn show(v: Option<NaiveDate>) -> String {
    v.map_or_else(|| "未填写".to_string(), fmt_date)
}

/// The owned fields an edit changes, with the recorded and the entered value.
fn changes(before: &WorkflowFields, after: &WorkflowFields) -> Vec<(&'static Owned, String, String)> {
    let mut out = Vec::new();
    if before.status != after.status {
        out.push((&STATUS, before.status.label().to_string(), after.status.label().to_string()));
    }
    if before.joined_on != after.joined_on {
        out.push((&JOINED, fmt_date(before.joined_on), fmt_date(after.joined_on)));
    }
    if before.full_on != after.full_on {
        out.push((&FULL, show(before.full_on), show(after.full_on)));
    }
    out
}

/// Checks an edit of a member record against the workflow's ownership of stage and dates.
///
/// - With a development case (`owner`): every change of an owned field is a Block finding naming
///   the field and its rule (R1.25 stage, R1.23 joined date, R1.26 full date) — those move only by
///   the workflow's own steps (approval, conversion, extension, cancellation).
/// - Without a case (a historic record): a change needs a non-blank `reason`, else a Block finding
///   on the field `reason` naming the rule of the first changed field. The date rules themselves
///   are [`super::member::validate_member`]'s.
///
/// `member_id` and `name` name the subject; the sources follow the rule set of the recorded
/// joined date (2014 before 2026-05-11, C6).
pub fn check_workflow_fields(
    member_id: i64,
    name: &str,
    before: &WorkflowFields,
    after: &WorkflowFields,
    owner: Option<OwningCase>,
    reason: Option<&str>,
) -> Vec<Finding> {
    let changed = changes(before, after);
    let who = format!("党员「{name}」");
    let finding = |o: &Owned, message: String| {
        Finding::new(
            o.rule,
            Severity::Block,
            development_rules_source(o.article, before.joined_on),
            SUBJECT_MEMBER,
            member_id,
            name,
            message,
        )
    };
    if let Some(case) = owner {
        let state = if case.open { "进行中" } else { "已办结" };
        return changed
            .into_iter()
            .map(|(o, was, entered)| {
                finding(
                    o,
                    format!(
                        "{who}经发展党员流程入党（发展记实 #{}，{state}），其{}不能通过修改党员信息变更（现为 {was}，填写为 {entered}）：{}",
                        case.case_id, o.label, o.by
                    ),
                )
                .fact("field", "字段", o.field)
                .fact("actual", "填写的值", entered)
                .fact("required", "发展流程登记的值", was)
                .fact("case_id", "发展记实", case.case_id)
            })
            .collect();
    }
    let Some((first, _, _)) = changed.first() else { return Vec::new() };
    if reason.is_some_and(|r| !r.trim().is_empty()) {
        return Vec::new();
    }
    let what: Vec<String> =
        changed.iter().map(|(o, was, entered)| format!("{}（{was} → {entered}）", o.label)).collect();
    vec![
        finding(first, format!("{who}无发展党员记实，修改其{}须填写修改理由（记入审计日志）", what.join("、")))
            .fact("field", "字段", "reason")
            .fact("related_field", "相关字段", first.field)
            .fact("actual", "修改理由", "未填写"),
    ]
}

/// Why a member who has left can no longer be edited, transferred or given a status change.
pub fn left_member(member_id: i64, name: &str, left_on: NaiveDate, exit_reason: Option<&str>) -> Finding {
    let (rule, source, why) = match exit_reason {
        Some("probation_cancelled") => {
            ("R1.24", development_rules_source(31, left_on), "（取消预备党员资格）".to_string())
        }
        _ => ("DATA", "数据校验".to_string(), String::new()),
    };
    Finding::new(
        rule,
        Severity::Block,
        source,
        SUBJECT_MEMBER,
        member_id,
        name,
        format!(
            "党员「{name}」已于 {}{why}离开党员队伍，其记录只作历史保存，不能再修改、转接或变更状态",
            fmt_date(left_on)
        ),
    )
    .fact("field", "字段", "left_on")
    .fact("actual", "离开日期", fmt_date(left_on))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::domain::{Gender, OrgKind, SpecialStatus};
    use crate::rules::member::{MemberFacts, validate_member};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn probationary(joined: NaiveDate) -> WorkflowFields {
        WorkflowFields { status: MemberStatus::Probationary, joined_on: joined, full_on: None }
    }

    fn full(joined: NaiveDate, full_on: NaiveDate) -> WorkflowFields {
        WorkflowFields { status: MemberStatus::Full, joined_on: joined, full_on: Some(full_on) }
    }

    fn check(b: &WorkflowFields, a: &WorkflowFields, owner: Option<OwningCase>, reason: Option<&str>) -> Vec<Finding> {
        check_workflow_fields(7, "李四", b, a, owner, reason)
    }

    fn fields(v: &[Finding]) -> Vec<(&str, &str)> {
        v.iter().map(|f| (f.rule.as_str(), f.fact_value("field").unwrap())).collect()
    }

    const OPEN: Option<OwningCase> = Some(OwningCase { case_id: 3, open: true });
    const CLOSED: Option<OwningCase> = Some(OwningCase { case_id: 3, open: false });

    #[test]
    fn case_member_cannot_be_converted_by_editing() {
        let b = probationary(date(2025, 5, 10));
        let a = full(date(2025, 5, 10), date(2026, 5, 10));
        for owner in [OPEN, CLOSED] {
            let v = check(&b, &a, owner, Some("补录"));
            assert_eq!(fields(&v), vec![("R1.25", "status"), ("R1.26", "full_on")]);
            assert!(v.iter().all(Finding::is_block));
            assert!(v[0].message_zh.contains("发展记实 #3"), "{}", v[0].message_zh);
            assert!(v[0].message_zh.contains("预备党员") && v[0].message_zh.contains("正式党员"));
            assert_eq!(v[1].fact_value("required"), Some("未填写"));
            assert_eq!(v[1].fact_value("actual"), Some("2026-05-10"));
        }
        assert!(check(&b, &a, OPEN, None)[0].message_zh.contains("进行中"));
        assert!(check(&b, &a, CLOSED, None)[0].message_zh.contains("已办结"));
    }

    #[test]
    fn case_member_dates_are_owned_one_day_either_way() {
        let joined = date(2025, 5, 10);
        let b = full(joined, date(2026, 5, 10));
        // The day before, the day of (unchanged) and the day after, for each date.
        for (d, changed) in [(date(2025, 5, 9), true), (joined, false), (date(2025, 5, 11), true)] {
            let v = check(&b, &WorkflowFields { joined_on: d, ..b }, OPEN, Some("更正"));
            assert_eq!(fields(&v), if changed { vec![("R1.23", "joined_on")] } else { vec![] });
        }
        for (d, changed) in [(date(2026, 5, 9), true), (date(2026, 5, 10), false), (date(2026, 5, 11), true)] {
            let v = check(&b, &WorkflowFields { full_on: Some(d), ..b }, CLOSED, None);
            assert_eq!(fields(&v), if changed { vec![("R1.26", "full_on")] } else { vec![] });
        }
        // Back from full to probationary is refused as well.
        let v = check(&b, &probationary(joined), OPEN, None);
        assert_eq!(fields(&v), vec![("R1.25", "status"), ("R1.26", "full_on")]);
    }

    #[test]
    fn an_edit_that_keeps_the_owned_fields_passes() {
        let b = probationary(date(2025, 5, 10));
        assert!(check(&b, &b, OPEN, None).is_empty());
        assert!(check(&b, &b, None, None).is_empty());
    }

    #[test]
    fn historic_change_needs_a_reason() {
        let b = probationary(date(2024, 5, 10));
        let a = full(date(2024, 5, 10), date(2025, 5, 10));
        let v = check(&b, &a, None, None);
        assert_eq!(fields(&v), vec![("R1.25", "reason")]);
        assert_eq!(v[0].fact_value("related_field"), Some("status"));
        assert!(v[0].message_zh.contains("党员类别（预备党员 → 正式党员）"), "{}", v[0].message_zh);
        assert!(v[0].message_zh.contains("转正日期（未填写 → 2025-05-10）"), "{}", v[0].message_zh);
        assert_eq!(fields(&check(&b, &a, None, Some("  "))), vec![("R1.25", "reason")]);
        assert!(check(&b, &a, None, Some("据党员档案更正")).is_empty());
        // A joined date alone names R1.23; a full date alone R1.26.
        let j = WorkflowFields { joined_on: date(2024, 5, 11), ..b };
        assert_eq!(fields(&check(&b, &j, None, None)), vec![("R1.23", "reason")]);
        let f0 = full(date(2024, 5, 10), date(2025, 5, 10));
        let f1 = WorkflowFields { full_on: Some(date(2025, 11, 10)), ..f0 };
        assert_eq!(fields(&check(&f0, &f1, None, None)), vec![("R1.26", "reason")]);
    }

    #[test]
    fn sources_follow_the_rule_set_of_the_joined_date() {
        // v2014 for a member admitted before 2026-05-11 (2026§32 = 2014§33), v2026 from that day.
        let old = probationary(date(2026, 5, 10));
        let v = check(&old, &WorkflowFields { status: MemberStatus::Full, ..old }, OPEN, None);
        assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2014) 第三十三条");
        let new = probationary(date(2026, 5, 11));
        let v = check(&new, &WorkflowFields { status: MemberStatus::Full, ..new }, OPEN, None);
        assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2026) 第三十二条");
    }

    /// A historic correction with a reason is still judged by the date rules (R1.25, R1.24):
    /// the day before the end of probation, the day of it and the day after.
    #[test]
    fn historic_change_still_meets_the_date_rules() {
        let facts = |full_on: NaiveDate| MemberFacts {
            member_id: 7,
            name: "李四".into(),
            birth_date: date(2000, 1, 1),
            status: MemberStatus::Full,
            joined_on: date(2024, 5, 10),
            full_on: Some(full_on),
            org_kind: Some(OrgKind::Branch),
            special_status: SpecialStatus::Normal,
            special_status_since: None,
            mobile_certificate: false,
            id_card: None,
            gender: Gender::Female,
        };
        let today = date(2026, 6, 1);
        let judged =
            |d| validate_member(&facts(d), today).into_iter().map(|f| (f.rule, f.severity)).collect::<Vec<_>>();
        assert_eq!(judged(date(2025, 5, 9)), vec![("R1.25".to_string(), Severity::Block)]);
        assert_eq!(judged(date(2025, 5, 10)), vec![]);
        assert_eq!(judged(date(2025, 5, 11)), vec![("R1.24".to_string(), Severity::Warn)]);
        assert_eq!(judged(date(2026, 5, 10)), vec![]);
        assert_eq!(judged(date(2026, 5, 11)), vec![("R1.24".to_string(), Severity::Block)]);
    }

    #[test]
    fn left_member_names_the_date_and_reason() {
        let f = left_member(7, "李四", date(2026, 6, 1), Some("probation_cancelled"));
        assert_eq!((f.rule.as_str(), f.fact_value("field")), ("R1.24", Some("left_on")));
        assert!(f.message_zh.contains("2026-06-01") && f.message_zh.contains("取消预备党员资格"), "{}", f.message_zh);
        assert!(f.is_block());
        let f = left_member(7, "李四", date(2026, 6, 1), None);
        assert_eq!(f.rule, "DATA");
    }
}
