//! Moving a development case between branches (R1.9: the materials move with the person and the
//! training time counts continuously; whether the days in transit count is the setting
//! `transit_days_count`, default not). A case follows its person (issue 8 part 2): a member
//! transfer moves the open case in the same transaction, and moving the case of a probationary
//! member moves the member too, so the case and the membership never sit in different branches.
//!
//! Scope decision: the caller must see both the case and the target branch. A branch or unit
//! admin therefore moves cases within their own subtree; a move between colleges is done by a
//! school-level user (whose scope covers the whole school).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development as case_repo;
use crate::repo::development_extra::{self as repo, TransferRow};
use crate::repo::members as members_repo;
use crate::repo::orgs::OrgRow;
use crate::rules::development::{ActivistPeriod, CaseFacts, Step};
use crate::service::members;
use crate::service::require_write;

/// A transfer of a case to another branch.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = CaseTransferInput)]
pub struct TransferInput {
    /// The receiving 党支部 (or 党小组).
    pub to_org_id: Option<i64>,
    /// Last day at the old branch (materials sent).
    pub left_on: Option<NaiveDate>,
    /// First day at the new branch (materials received).
    pub arrived_on: Option<NaiveDate>,
    /// Note (reason, 介绍信 number…).
    pub note: Option<String>,
}

/// The activist stretches of a case from its activist date and its transfers (left, arrived),
/// one stretch per unit. Transfers before the activist date are irrelevant; none relevant = empty
/// (the engine then counts one stretch from `activist_recommendation`).
pub fn activist_periods(
    activist_since: Option<NaiveDate>,
    transfers: &[(NaiveDate, NaiveDate)],
) -> Vec<ActivistPeriod> {
    let Some(mut start) = activist_since else { return Vec::new() };
    let mut moves: Vec<(NaiveDate, NaiveDate)> = transfers.iter().copied().filter(|(left, _)| *left >= start).collect();
    moves.sort();
    if moves.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(moves.len() + 1);
    for (left, arrived) in moves {
        out.push(ActivistPeriod { start, end: Some(left) });
        start = arrived.max(left);
    }
    out.push(ActivistPeriod { start, end: None });
    out
}

/// Fills `f.activist_periods` and `f.probation_transfer_in` from the case's transfers (after the
/// steps are applied). A transfer leaving on or after the admission vote is a probationary member
/// transferred in (R1.27); the latest arrival counts.
pub fn apply(f: &mut CaseFacts, transfers: &[(NaiveDate, NaiveDate)]) {
    f.activist_periods = activist_periods(f.steps.get(&Step::ActivistRecommendation).copied(), transfers);
    let vote = f.date(Step::AdmissionVote);
    f.probation_transfer_in =
        vote.and_then(|v| transfers.iter().filter(|(left, _)| *left >= v).map(|(_, arrived)| *arrived).max());
}

/// (left, arrived) of one case's transfers.
pub(crate) async fn case_dates(conn: &mut Conn, case_id: i64) -> AppResult<Vec<(NaiveDate, NaiveDate)>> {
    Ok(repo::transfers(conn, case_id).await?.into_iter().map(|t| (t.left_on, t.arrived_on)).collect())
}

/// (left, arrived) of the transfers of every open case in a subtree, by case (for the 待办 list).
pub(crate) async fn open_cases_dates(
    conn: &mut Conn,
    org_path: &str,
) -> AppResult<std::collections::BTreeMap<i64, Vec<(NaiveDate, NaiveDate)>>> {
    let mut out: std::collections::BTreeMap<i64, Vec<(NaiveDate, NaiveDate)>> = Default::default();
    for (case_id, left, arrived) in repo::open_transfer_dates(conn, org_path).await? {
        out.entry(case_id).or_default().push((left, arrived));
    }
    Ok(out)
}

/// The transfers of a case in scope, oldest first.
pub async fn list(db: &Db, scope: &Scope, case_id: i64) -> AppResult<Vec<TransferRow>> {
    let mut conn = db.pool.acquire().await?;
    case_repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    Ok(repo::transfers(&mut conn, case_id).await?)
}

/// Moves an open case to another branch, keeping its history (one transaction, audited).
pub async fn transfer(db: &Db, scope: &Scope, case_id: i64, input: TransferInput) -> AppResult<TransferRow> {
    require_write(scope)?;
    let mut errs = std::collections::BTreeMap::new();
    if input.to_org_id.is_none() {
        errs.insert("to_org_id".to_string(), "请选择转入的党支部".to_string());
    }
    if input.left_on.is_none() {
        errs.insert("left_on".to_string(), "请填写转出日期".to_string());
    }
    if input.arrived_on.is_none() {
        errs.insert("arrived_on".to_string(), "请填写转入日期".to_string());
    }
    let (Some(to_org_id), Some(left_on), Some(arrived_on)) = (input.to_org_id, input.left_on, input.arrived_on) else {
        return Err(AppError::invalid(errs));
    };
    let today = crate::util::today();
    if arrived_on < left_on {
        return Err(AppError::invalid_field("arrived_on", format!("转入日期 {arrived_on} 早于转出日期 {left_on}")));
    }
    if arrived_on > today {
        return Err(AppError::invalid_field("arrived_on", "转入日期不能晚于今天"));
    }
    let note = crate::service::members::opt_trim(&input.note);
    if note.as_deref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::invalid_field("note", "备注不能超过500个字符"));
    }
    let mut w = db.begin_write().await?;
    let cfg = crate::service::settings::rule_config(db, &mut w.tx).await?;
    let case = case_repo::get(&mut w.tx, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    if case.status != "open" {
        return Err(AppError::invalid_field("to_org_id", "档案已办结，不能转接"));
    }
    let target = crate::service::members::member_org(&mut w.tx, scope, to_org_id, "to_org_id").await?;
    if target.id == case.org_id {
        return Err(AppError::invalid_field("to_org_id", "转入的党支部与当前党支部相同"));
    }
    if left_on < case.opened_on {
        return Err(AppError::invalid_field("left_on", format!("转出日期早于递交入党申请书的日期 {}", case.opened_on)));
    }
    let earlier = repo::transfers(&mut w.tx, case_id).await?;
    if let Some(last) = earlier.iter().map(|t| t.arrived_on).max()
        && left_on < last
    {
        return Err(AppError::invalid_field("left_on", format!("转出日期早于上一次转入日期 {last}")));
    }
    // A probationary member moves with the case: the membership changes on the arrival date.
    let member = match case_repo::member_of_person(&mut w.tx, case.person_id).await? {
        Some(mid) => {
            let before = members_repo::get(&mut w.tx, scope, mid).await?.ok_or_else(AppError::not_found)?;
            let reason = note.clone().unwrap_or_else(|| "发展档案转接".to_string());
            let after =
                members::move_member(&mut w.tx, scope, &before, &target, arrived_on, &reason, "arrived_on").await?;
            Some((before, after))
        }
        None => None,
    };
    let id = repo::insert_transfer(
        &mut w.tx,
        case_id,
        case.org_id,
        target.id,
        &target.path,
        left_on,
        arrived_on,
        note.as_deref(),
        &scope.display_name,
    )
    .await?;
    let row =
        repo::transfers(&mut w.tx, case_id).await?.into_iter().find(|t| t.id == id).ok_or_else(AppError::not_found)?;
    let gap = (arrived_on - left_on).num_days() - 1;
    let not_counted = gap > 0 && !cfg.settings.transit_days_count;
    if let Some((before, after)) = &member {
        audit::append(
            &mut w.tx,
            scope,
            AuditEntry {
                action: "transfer",
                entity: "member",
                entity_id: Some(after.row.id),
                org_path: Some(&target.path),
                summary: format!(
                    "{}组织关系由「{}」转入「{}」（{arrived_on}，随发展档案转接）",
                    before.row.name, before.row.org_name, target.name
                ),
                before: json(before),
                after: json(after),
            },
        )
        .await?;
    }
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "transfer",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&target.path),
            summary: format!(
                "发展档案 {} 由 {} 转至 {}（{left_on} 转出，{arrived_on} 转入{}）{}",
                case.name,
                case.org_name,
                target.name,
                if not_counted { format!("，中断 {gap} 天不计入培养时间") } else { String::new() },
                if member.is_some() { "；党员组织关系同时转接" } else { "" }
            ),
            before: json(&case),
            after: json(&row),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// The open case of `person_id` follows its member to `to` on `on`, inside the member transfer's
/// transaction, with its own audit row; `false` when there is none or it is already there. Between
/// a branch and its 党小组 (the same voting branch) the case is re-homed without a transfer record.
pub(crate) async fn follow_member(
    conn: &mut Conn,
    scope: &Scope,
    person_id: i64,
    to: &OrgRow,
    on: NaiveDate,
    reason: &str,
) -> AppResult<bool> {
    let Some(case_id) = case_repo::open_case_of_person(conn, person_id).await? else { return Ok(false) };
    let case = case_repo::get(conn, scope, case_id).await?.ok_or_else(|| {
        AppError::invalid_field("to_org_id", "此人的发展档案不在您的管理范围内，请由上级党组织办理转接")
    })?;
    if case.org_id == to.id {
        return Ok(false);
    }
    let same_branch =
        case_repo::voting_branch_path(conn, case.org_id).await? == case_repo::voting_branch_path(conn, to.id).await?;
    let after = if same_branch {
        case_repo::rehome_case(conn, case_id, to.id, &to.path).await?;
        serde_json::json!({"org_id": to.id})
    } else {
        let id = repo::insert_transfer(
            conn,
            case_id,
            case.org_id,
            to.id,
            &to.path,
            on,
            on,
            Some(reason),
            &scope.display_name,
        )
        .await?;
        serde_json::to_value(repo::transfers(conn, case_id).await?.into_iter().find(|t| t.id == id)).unwrap_or_default()
    };
    audit::append(
        conn,
        scope,
        AuditEntry {
            action: "transfer",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&to.path),
            summary: format!("发展档案 {} 随党员组织关系由 {} 转至 {}（{on}）", case.name, case.org_name, to.name),
            before: json(&case),
            after: Some(after),
        },
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgKind;
    use crate::rules::Severity;
    use crate::rules::development::{DevelopmentSettings, check_step};
    use crate::workdays::WorkCalendar;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    /// An activist since 2024-03-01 (2014 rules), with the steps before listing recorded.
    fn activist(transfers: &[(NaiveDate, NaiveDate)]) -> CaseFacts {
        let mut f = CaseFacts::new(1, "张三", d(2000, 1, 1), OrgKind::Branch);
        for (s, on) in [
            (Step::Application, d(2023, 9, 1)),
            (Step::Talk, d(2023, 9, 10)),
            (Step::ActivistRecommendation, d(2024, 3, 1)),
            (Step::ActivistFiling, d(2024, 3, 5)),
            (Step::MentorAssignment, d(2024, 3, 5)),
            (Step::ActivistEducation, d(2024, 8, 20)),
        ] {
            f.steps.insert(s, on);
        }
        f.activist_assessments = vec![d(2024, 8, 20), d(2025, 2, 10)];
        apply(&mut f, transfers);
        f
    }

    fn r1_8_blocks(f: &CaseFacts, on: NaiveDate) -> bool {
        let cal = WorkCalendar::china_default();
        check_step(f, Step::CandidateDetermination, on, d(2025, 4, 1), &DevelopmentSettings::default(), &cal)
            .iter()
            .any(|x| x.rule == "R1.8" && x.severity == Severity::Block)
    }

    #[test]
    fn periods_one_stretch_per_unit() {
        assert!(activist_periods(None, &[(d(2024, 1, 1), d(2024, 1, 2))]).is_empty());
        // A move while still an applicant does not split the activist time.
        assert!(activist_periods(Some(d(2024, 3, 1)), &[(d(2024, 1, 1), d(2024, 1, 5))]).is_empty());
        let p = activist_periods(Some(d(2024, 3, 1)), &[(d(2024, 9, 30), d(2024, 10, 1))]);
        assert_eq!(
            p,
            vec![
                ActivistPeriod { start: d(2024, 3, 1), end: Some(d(2024, 9, 30)) },
                ActivistPeriod { start: d(2024, 10, 1), end: None }
            ]
        );
    }

    #[test]
    fn a_move_on_or_after_the_admission_vote_is_a_probationary_transfer_in() {
        let early = (d(2024, 9, 30), d(2024, 10, 1));
        let mut f = activist(&[early]);
        assert_eq!(f.probation_transfer_in, None, "no admission vote yet");
        f.steps.insert(Step::AdmissionVote, d(2025, 5, 10));
        apply(&mut f, &[early]);
        assert_eq!(f.probation_transfer_in, None, "an activist's move is not R1.27");
        apply(&mut f, &[early, (d(2025, 5, 9), d(2025, 5, 12))]);
        assert_eq!(f.probation_transfer_in, None, "left the day before the vote");
        apply(&mut f, &[early, (d(2025, 5, 10), d(2025, 5, 12)), (d(2025, 12, 1), d(2025, 12, 1))]);
        assert_eq!(f.probation_transfer_in, Some(d(2025, 12, 1)), "the latest arrival");
    }

    #[test]
    fn r1_9_seven_months_in_a_and_five_in_b_count_as_one_year() {
        // Activist in branch A 2024-03-01..2024-09-30 (7 months), in B from 2024-10-01 (5 months to 2025-03-01).
        let f = activist(&[(d(2024, 9, 30), d(2024, 10, 1))]);
        assert!(r1_8_blocks(&f, d(2025, 2, 28)), "the day before the year is refused");
        assert!(!r1_8_blocks(&f, d(2025, 3, 1)), "the year is complete across the transfer");
    }

    #[test]
    fn r1_9_a_gap_between_branches_is_not_counted() {
        // Materials left A on 2024-09-30 and arrived in B on 2024-10-21: 20 days not counted.
        let f = activist(&[(d(2024, 9, 30), d(2024, 10, 21))]);
        assert!(r1_8_blocks(&f, d(2025, 3, 1)));
        assert!(r1_8_blocks(&f, d(2025, 3, 20)));
        assert!(!r1_8_blocks(&f, d(2025, 3, 21)));
    }
}
