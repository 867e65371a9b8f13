//! Moving a development case between branches (R1.9: the materials move with the person and the
//! training time counts continuously; days between leaving and arriving are not counted).
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
use crate::rules::development::{ActivistPeriod, CaseFacts, Step};
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

/// Fills `f.activist_periods` from the case's transfers (after the steps are applied).
pub fn apply(f: &mut CaseFacts, transfers: &[(NaiveDate, NaiveDate)]) {
    f.activist_periods = activist_periods(f.steps.get(&Step::ActivistRecommendation).copied(), transfers);
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
    let case = case_repo::get(&mut w.tx, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    if case.status != "open" {
        return Err(AppError::invalid_field("to_org_id", "档案已办结，不能转接"));
    }
    if case_repo::member_of_person(&mut w.tx, case.person_id).await?.is_some() {
        return Err(AppError::invalid_field("to_org_id", "已接收为预备党员，请通过党员组织关系转接办理"));
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
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "transfer",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&target.path),
            summary: format!(
                "发展档案 {} 由 {} 转至 {}（{left_on} 转出，{arrived_on} 转入{}）",
                case.name,
                case.org_name,
                target.name,
                if gap > 0 { format!("，中断 {gap} 天不计入培养时间") } else { String::new() }
            ),
            before: json(&case),
            after: json(&row),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
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
