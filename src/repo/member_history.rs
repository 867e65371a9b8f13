//! Members as they were on a past date (issue 8 part 8): the roster from `membership_period`,
//! the probationary/full status from the membership dates, the special status from the
//! `member_status_event` history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::Args;
use super::members::MemberCheckRow;
use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::{MemberStatus, Role, SpecialStatus};
use crate::util::fmt_date;

/// A special-status change: (effective date, old value, new value).
type StatusChange = (NaiveDate, Option<String>, String);

/// Members of the subtree `org_path` on `on` that may need attention then: probationary on that
/// day, with a special status (now or in their history), or outside a branch — the same
/// selection as [`super::members::check_candidates`], judged as of `on`.
pub async fn check_candidates_on(
    conn: &mut Conn,
    scope: &Scope,
    org_path: &str,
    on: NaiveDate,
) -> Result<Vec<MemberCheckRow>, sqlx::Error> {
    if scope.role == Role::Member {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let cond = super::prefix_cond("o.path", org_path, &mut args);
    let d = args.text(fmt_date(on));
    let sql = format!(
        "SELECT m.id, pe.name, pe.birth_date, pe.gender, m.joined_on, m.full_on, m.special_status, m.special_status_since, m.mobile_certificate, o.kind AS org_kind
         FROM membership_period p JOIN member m ON m.id = p.member_id JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = p.org_id
         WHERE {cond} AND p.start_on <= {d} AND (p.end_on IS NULL OR p.end_on > {d}) AND m.joined_on <= {d}
           AND (m.full_on IS NULL OR m.full_on > {d} OR m.special_status <> 'normal' OR o.kind NOT IN ('branch', 'group')
                OR EXISTS (SELECT 1 FROM member_status_event e WHERE e.member_id = m.id AND e.field = 'special_status'))
         ORDER BY m.id"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
    let history = special_status_history(conn, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let text = |col: &str| -> Result<String, sqlx::Error> { r.try_get(col) };
        let day = |col: &str| super::opt_date_col(r, col);
        let bad = |col: &str| sqlx::Error::Decode(format!("check_candidates_on: {col}").into());
        let full_on = day("full_on")?.filter(|f| *f <= on);
        let now_status: SpecialStatus = super::enum_col(r, "special_status")?;
        let (special_status, special_status_since) = special_status_on(
            history.get(&id).map_or(&[][..], Vec::as_slice),
            now_status,
            day("special_status_since")?,
            on,
        );
        out.push(MemberCheckRow {
            id,
            name: text("name")?,
            birth_date: day("birth_date")?.ok_or_else(|| bad("birth_date"))?,
            gender: super::enum_col(r, "gender")?,
            status: if full_on.is_some() { MemberStatus::Full } else { MemberStatus::Probationary },
            joined_on: day("joined_on")?.ok_or_else(|| bad("joined_on"))?,
            full_on,
            special_status,
            special_status_since,
            mobile_certificate: r.try_get::<i64, _>("mobile_certificate")? != 0,
            org_kind: super::enum_col(r, "org_kind")?,
        });
    }
    Ok(out)
}

/// The special-status changes of the given members, oldest first.
async fn special_status_history(conn: &mut Conn, ids: &[i64]) -> Result<BTreeMap<i64, Vec<StatusChange>>, sqlx::Error> {
    let mut out: BTreeMap<i64, Vec<StatusChange>> = BTreeMap::new();
    for chunk in ids.chunks(400) {
        let mut args = Args::default();
        let ph: Vec<String> = chunk.iter().map(|id| args.int(*id)).collect();
        let sql = format!(
            "SELECT member_id, old_value, new_value, effective_on FROM member_status_event
             WHERE field = 'special_status' AND member_id IN ({}) ORDER BY member_id, effective_on, id",
            ph.join(", ")
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            let on = super::date_col(&r, "effective_on")?;
            out.entry(r.try_get("member_id")?).or_default().push((
                on,
                r.try_get("old_value")?,
                r.try_get("new_value")?,
            ));
        }
    }
    Ok(out)
}

/// The special status on `on` from the change history (oldest first) and today's values: the
/// last change effective on or before `on`; before the first change, the value it replaced;
/// with no history, today's status if it had begun by `on`.
pub fn special_status_on(
    history: &[StatusChange],
    now: SpecialStatus,
    now_since: Option<NaiveDate>,
    on: NaiveDate,
) -> (SpecialStatus, Option<NaiveDate>) {
    let parse = |s: &str| SpecialStatus::parse(s).unwrap_or(SpecialStatus::Normal);
    if let Some((since, _, new)) = history.iter().rev().find(|(d, _, _)| *d <= on) {
        let s = parse(new);
        return (s, (s != SpecialStatus::Normal).then_some(*since));
    }
    if let Some((_, old, _)) = history.first() {
        return (old.as_deref().map_or(SpecialStatus::Normal, parse), None);
    }
    match now_since {
        Some(since) if since > on => (SpecialStatus::Normal, None),
        _ => (now, now_since),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn special_status_from_the_history() {
        let h = vec![
            (d(2024, 3, 1), Some("normal".to_string()), "mobile".to_string()),
            (d(2025, 3, 1), Some("mobile".to_string()), "normal".to_string()),
        ];
        let now = SpecialStatus::Normal;
        assert_eq!(special_status_on(&h, now, None, d(2024, 2, 29)), (SpecialStatus::Normal, None));
        assert_eq!(special_status_on(&h, now, None, d(2024, 3, 1)), (SpecialStatus::Mobile, Some(d(2024, 3, 1))));
        assert_eq!(special_status_on(&h, now, None, d(2025, 2, 28)), (SpecialStatus::Mobile, Some(d(2024, 3, 1))));
        assert_eq!(special_status_on(&h, now, None, d(2025, 3, 1)), (SpecialStatus::Normal, None));
    }

    #[test]
    fn special_status_without_history() {
        let (now, since) = (SpecialStatus::Abroad, Some(d(2025, 1, 10)));
        assert_eq!(special_status_on(&[], now, since, d(2025, 1, 9)), (SpecialStatus::Normal, None));
        assert_eq!(special_status_on(&[], now, since, d(2025, 1, 10)), (now, since));
        assert_eq!(special_status_on(&[], now, None, d(2020, 1, 1)), (now, None));
    }
}
