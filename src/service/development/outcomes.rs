//! What an approval does to the member: admission creates the 预备党员 (R1.19, R1.23); the
//! approval of a conversion resolution converts them (R1.26), extends probation (R1.24: they stay
//! 预备党员 with a later end) or cancels it (their membership ends).

use chrono::NaiveDate;

use crate::db::Conn;
use crate::domain::{MemberStatus, SpecialStatus};
use crate::error::{AppError, AppResult};
use crate::repo::development::{self as repo, CaseRow};
use crate::repo::members as members_repo;
use crate::repo::members::MembershipFields;
use crate::rules::development::ProbationOutcome;

/// 延长预备期: a status event on the member with the new end of probation.
pub(super) async fn extend(
    conn: &mut Conn,
    case: &CaseRow,
    months: u32,
    new_end: NaiveDate,
    on: NaiveDate,
) -> AppResult<()> {
    let Some(member_id) = repo::member_of_person(conn, case.person_id).await? else { return Ok(()) };
    let note = format!("延长预备期 {months} 个月，预备期至 {new_end}");
    members_repo::insert_status_event(
        conn,
        member_id,
        "probation",
        None,
        ProbationOutcome::ProbationExtension.as_str(),
        on,
        Some(&note),
    )
    .await?;
    Ok(())
}

/// 取消预备党员资格: the membership ends on the approval date (the row stays for history).
pub(super) async fn cancel(conn: &mut Conn, case: &CaseRow, on: NaiveDate) -> AppResult<()> {
    let Some(member_id) = repo::member_of_person(conn, case.person_id).await? else { return Ok(()) };
    members_repo::insert_status_event(
        conn,
        member_id,
        "status",
        Some("probationary"),
        ProbationOutcome::ProbationCancelled.as_str(),
        on,
        Some(ProbationOutcome::ProbationCancelled.label()),
    )
    .await?;
    members_repo::end_membership(conn, member_id, on, ProbationOutcome::ProbationCancelled.as_str()).await?;
    Ok(())
}

/// Approval (R1.19): the person becomes a 预备党员 of the case's branch, joined on the admission vote.
pub(super) async fn admit(conn: &mut Conn, case: &CaseRow, joined_on: NaiveDate) -> AppResult<()> {
    if repo::member_of_person(conn, case.person_id).await?.is_some() {
        return Err(AppError::conflict("person_id", "此人已有党员记录"));
    }
    let m = MembershipFields {
        status: MemberStatus::Probationary,
        joined_on,
        full_on: None,
        special_status: SpecialStatus::Normal,
        special_status_since: None,
    };
    let sort_key = crate::util::pinyin_sort_key(&case.name);
    members_repo::insert_member(conn, case.person_id, case.org_id, &case.org_path, &m, &sort_key).await?;
    Ok(())
}

/// Conversion approval: the member becomes a 正式党员 from the end of probation (R1.26).
pub(super) async fn convert(conn: &mut Conn, case: &CaseRow, full_on: NaiveDate) -> AppResult<()> {
    let Some(member_id) = repo::member_of_person(conn, case.person_id).await? else { return Ok(()) };
    members_repo::insert_status_event(conn, member_id, "status", Some("probationary"), "full", full_on, Some("转正"))
        .await?;
    sqlx::query("UPDATE member SET status = 'full', full_on = $1, updated_at = $2 WHERE id = $3")
        .bind(crate::util::fmt_date(full_on))
        .bind(crate::util::now_rfc3339())
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
