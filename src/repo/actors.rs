//! The history of members named as 培养联系人 or 入党介绍人 (issue 8 part 3): the member row, the
//! `special_status` changes of `member_status_event` and the `membership_period` rows, in three
//! queries for any number of members. Callers have checked the ids against their scope.

use std::collections::BTreeMap;

use sqlx::Row;

use super::Args;
use crate::db::Conn;
use crate::domain::{MemberStatus, SpecialStatus};
use crate::rules::development::{ActorHistory, StatusChange};
use crate::util::parse_date;

/// `IN ($1, $2, …)` over a chunk of ids.
fn in_list(ids: &[i64], args: &mut Args) -> String {
    ids.iter().map(|id| args.int(*id)).collect::<Vec<_>>().join(", ")
}

/// The histories of `member_ids` (unknown ids are left out), without penalties.
pub async fn histories(conn: &mut Conn, member_ids: &[i64]) -> Result<Vec<ActorHistory>, sqlx::Error> {
    let mut out: BTreeMap<i64, ActorHistory> = BTreeMap::new();
    let day = |s: Option<String>| s.as_deref().and_then(parse_date);
    for chunk in member_ids.chunks(400) {
        let mut args = Args::default();
        let sql = format!(
            "SELECT m.id, pe.name, m.status, m.joined_on, m.full_on, m.left_on, m.special_status, m.special_status_since \
             FROM member m JOIN person pe ON pe.id = m.person_id WHERE m.id IN ({})",
            in_list(chunk, &mut args)
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            let id: i64 = r.try_get("id")?;
            let status: String = r.try_get("status")?;
            let special: String = r.try_get("special_status")?;
            let Some(joined_on) = day(r.try_get("joined_on")?) else { continue };
            out.insert(
                id,
                ActorHistory {
                    member_id: id,
                    name: r.try_get("name")?,
                    status: MemberStatus::parse(&status).unwrap_or(MemberStatus::Probationary),
                    joined_on,
                    full_on: day(r.try_get("full_on")?),
                    left_on: day(r.try_get("left_on")?),
                    special_status: SpecialStatus::parse(&special).unwrap_or(SpecialStatus::Normal),
                    special_status_since: day(r.try_get("special_status_since")?),
                    changes: Vec::new(),
                    periods: Vec::new(),
                    penalties: Vec::new(),
                },
            );
        }
        let mut args = Args::default();
        let sql = format!(
            "SELECT member_id, old_value, new_value, effective_on FROM member_status_event \
             WHERE field = 'special_status' AND member_id IN ({}) ORDER BY effective_on, id",
            in_list(chunk, &mut args)
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            let id: i64 = r.try_get("member_id")?;
            let old: Option<String> = r.try_get("old_value")?;
            let new: String = r.try_get("new_value")?;
            let (Some(h), Some(effective_on), Some(new)) =
                (out.get_mut(&id), day(r.try_get("effective_on")?), SpecialStatus::parse(&new))
            else {
                continue;
            };
            h.changes.push(StatusChange { effective_on, old: old.as_deref().and_then(SpecialStatus::parse), new });
        }
        let mut args = Args::default();
        let sql = format!(
            "SELECT member_id, start_on, end_on FROM membership_period WHERE member_id IN ({}) ORDER BY start_on, id",
            in_list(chunk, &mut args)
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            let id: i64 = r.try_get("member_id")?;
            let (Some(h), Some(start)) = (out.get_mut(&id), day(r.try_get("start_on")?)) else { continue };
            h.periods.push((start, day(r.try_get("end_on")?)));
        }
    }
    Ok(out.into_values().collect())
}
