//! The iCalendar (RFC 5545) feed of due development steps: per-user tokens stored hashed, and
//! the `.ics` text built by a pure function from the 待办 list.

use chrono::NaiveDate;
use serde::Serialize;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry};
use crate::repo::development_extra::{self as repo, FeedTokenRow};
use crate::util::{random_token, sha256_hex};

use super::{CaseFilter, CaseSummary};

/// A newly created feed token: the raw token is shown once and never stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewFeedToken {
    /// Row id (to revoke it).
    pub id: i64,
    /// The raw token.
    pub token: String,
    /// Path of the feed: `/feeds/development/{token}.ics`.
    pub path: String,
}

/// Creates a feed token for the caller (any role may subscribe to what it may read).
pub async fn create_token(db: &Db, scope: &Scope) -> AppResult<NewFeedToken> {
    if scope.user_id <= 0 {
        return Err(AppError::forbidden("只有登录用户可以订阅日历"));
    }
    let token = random_token();
    let mut w = db.begin_write().await?;
    let id = repo::insert_feed_token(&mut w.tx, scope.user_id, &sha256_hex(&token)).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "feed_token",
            entity_id: Some(id),
            org_path: Some(&scope.root_path),
            summary: format!("{} 创建发展党员日历订阅", scope.display_name),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(NewFeedToken { id, path: format!("/feeds/development/{token}.ics"), token })
}

/// The caller's feed tokens.
pub async fn list_tokens(db: &Db, scope: &Scope) -> AppResult<Vec<FeedTokenRow>> {
    let mut conn = db.pool.acquire().await?;
    Ok(repo::feed_tokens(&mut conn, scope.user_id).await?)
}

/// Revokes one of the caller's live tokens (404 for another user's or an already revoked one).
pub async fn revoke_token(db: &Db, scope: &Scope, id: i64) -> AppResult<()> {
    let mut w = db.begin_write().await?;
    if !repo::revoke_feed_token(&mut w.tx, scope.user_id, id).await? {
        return Err(AppError::not_found());
    }
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "revoke",
            entity: "feed_token",
            entity_id: Some(id),
            org_path: Some(&scope.root_path),
            summary: format!("{} 停用发展党员日历订阅", scope.display_name),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// The scope of the token's user (as a session of that user would have), or None.
async fn scope_of_token(db: &Db, token: &str) -> AppResult<Option<Scope>> {
    let mut conn = db.pool.acquire().await?;
    let Some(user_id) = repo::feed_token_user(&mut conn, &sha256_hex(token)).await? else { return Ok(None) };
    let Some(u) = crate::repo::users::by_id(&mut conn, user_id).await? else { return Ok(None) };
    if !u.user.active {
        return Ok(None);
    }
    let (org_id, root_path) = match (u.user.org_id, u.org_path) {
        (Some(id), Some(p)) => (id, p),
        _ => match crate::repo::orgs::root(&mut conn).await? {
            Some(r) if u.user.role == Role::SchoolAdmin => (r.id, r.path),
            _ => return Ok(None),
        },
    };
    Ok(Some(Scope {
        user_id,
        username: u.user.username,
        display_name: u.user.display_name,
        role: u.user.role,
        org_id,
        root_path,
        member_id: u.user.member_id,
        csrf: String::new(),
    }))
}

/// The `.ics` of a token's user: the due steps of the open cases in their scope. Unknown,
/// revoked or disabled → 404.
pub async fn ics_for_token(db: &Db, token: &str) -> AppResult<String> {
    if token.is_empty() || token.len() > 128 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::not_found());
    }
    let scope = scope_of_token(db, token).await?.ok_or_else(AppError::not_found)?;
    let cases = super::list(db, &scope, &CaseFilter::default()).await?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    Ok(ics(&events(&cases), &stamp))
}

/// One all-day event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable id (per case and step).
    pub uid: String,
    /// The day.
    pub date: NaiveDate,
    /// One line.
    pub summary: String,
    /// Details (may contain newlines).
    pub description: String,
}

/// The events of the due steps: one per case and step, on the latest date (or the earliest date
/// when the step has no deadline).
pub fn events(cases: &[CaseSummary]) -> Vec<IcsEvent> {
    let mut out = Vec::new();
    for c in cases {
        for d in &c.due {
            let (date, tag) = match (d.latest, d.earliest) {
                (Some(l), _) => (l, "截止"),
                (None, Some(e)) => (e, "最早可办"),
                (None, None) => continue,
            };
            let mut desc = format!("{}（{}）\n", c.case.name, c.case.org_name);
            desc.push_str(&format!(
                "最早：{}；最晚：{}",
                d.earliest.map_or("—".to_string(), |e| e.to_string()),
                d.latest.map_or("—".to_string(), |e| e.to_string())
            ));
            if d.overdue {
                desc.push_str("；已逾期");
            }
            desc.push_str(&format!("\n规则：{}\n{}", d.rule, d.note_zh));
            out.push(IcsEvent {
                uid: format!("development-{}-{}@jiceng", c.case.id, d.step.as_str()),
                date,
                summary: format!("{}：{}（{tag}）", c.case.name, d.step.label()),
                description: desc,
            });
        }
    }
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character;
/// continuation lines start with one space, which counts toward their 75 octets. CRLF ends each line.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0usize;
    let mut limit = 75usize;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if used + n > limit {
            out.push_str("\r\n ");
            used = 1;
            limit = 75;
        }
        out.push(ch);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// The VCALENDAR text of the events; `stamp` is the DTSTAMP (UTC, `YYYYMMDDTHHMMSSZ`).
pub fn ics(events: &[IcsEvent], stamp: &str) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//jiceng//development//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:发展党员待办",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ] {
        out.push_str(&fold(l));
    }
    for e in events {
        let next = e.date.succ_opt().unwrap_or(e.date);
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{}", escape(&e.uid))));
        out.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        out.push_str(&fold(&format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d"))));
        out.push_str(&fold(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d"))));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&e.summary))));
        out.push_str(&fold(&format!("DESCRIPTION:{}", escape(&e.description))));
        out.push_str(&fold("TRANSP:TRANSPARENT"));
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold("BEGIN:VEVENT"), "BEGIN:VEVENT\r\n");
        let exact = "A".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn long_ascii_lines_fold_at_75_octets() {
        let s = "B".repeat(200);
        let f = fold(&s);
        let lines: Vec<&str> = f.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(lines.iter().map(|l| l.trim_start_matches(' ').len()).sum::<usize>(), 200);
    }

    #[test]
    fn chinese_lines_fold_by_octets_on_char_boundaries() {
        // "SUMMARY:" is 8 octets, each 汉字 3: 22 chars fit the first line (8 + 66 = 74), the 23rd would make 77.
        let line = format!("SUMMARY:{}", "发".repeat(60));
        let f = fold(&line);
        assert!(f.ends_with("\r\n"));
        for l in f.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let lines: Vec<&str> = f.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0].len(), 8 + 22 * 3);
        // A continuation is a space plus at most 74 octets = 24 汉字 (72).
        assert_eq!(lines[1].len(), 1 + 24 * 3);
        // Unfolding gives the original back.
        assert_eq!(f.replace("\r\n ", "").trim_end_matches("\r\n"), line);
    }

    #[test]
    fn mixed_width_never_splits_a_char() {
        let line = format!("DESCRIPTION:{}a{}", "x".repeat(61), "张三".repeat(20));
        let f = fold(&line);
        for l in f.split("\r\n") {
            assert!(l.len() <= 75);
        }
        assert_eq!(f.replace("\r\n ", "").trim_end_matches("\r\n"), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn calendar_has_all_day_events_with_crlf() {
        let e = IcsEvent {
            uid: "development-7-candidate_determination@jiceng".into(),
            date: d(2026, 12, 31),
            summary: "张三：确定发展对象（截止）".into(),
            description: "最早：2026-12-01；最晚：2026-12-31\n规则：R1.8".into(),
        };
        let text = ics(&[e], "20261128T000000Z");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("\r\nDTSTART;VALUE=DATE:20261231\r\n"));
        assert!(text.contains("\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(text.contains("SUMMARY:张三：确定发展对象（截止）\r\n"));
        assert!(text.contains("UID:development-7-candidate_determination@jiceng\r\n"));
        assert!(text.contains("\\n规则：R1.8"));
        assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    }
}
