//! What the approval of a conversion resolution does to the member (R1.24): an extension keeps
//! them 预备党员 with a later probation end; a cancellation ends their membership.

use chrono::NaiveDate;

use crate::db::Conn;
use crate::error::AppResult;
use crate::repo::development::{self as repo, CaseRow};
use crate::repo::members as members_repo;
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
