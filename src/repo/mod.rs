//! Queries. Every function that reads org-owned data takes a [`Scope`](crate::auth::scope::Scope).

pub mod actors;
pub mod audit;
pub mod development;
pub mod development_extra;
pub mod meetings;
pub mod member_history;
pub mod members;
pub mod org_terms;
pub mod orgs;
pub mod penalties;
pub mod publicity;
pub mod users;

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;

use crate::domain::enums::Stored;

/// A stored value that cannot be read: a decode error of its column (a 500 "数据异常", logged),
/// never a default.
pub fn corrupt(col: &str, e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: col.to_string(), source: Box::new(e) }
}

/// A text column holding one identifier of a closed vocabulary.
pub fn enum_col<T: Stored>(r: &AnyRow, col: &str) -> Result<T, sqlx::Error> {
    let s: String = r.try_get(col)?;
    T::from_stored(&s).map_err(|e| corrupt(col, e))
}

/// A nullable text column holding one identifier of a closed vocabulary (NULL = not recorded).
pub fn opt_enum_col<T: Stored>(r: &AnyRow, col: &str) -> Result<Option<T>, sqlx::Error> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|s| T::from_stored(&s).map_err(|e| corrupt(col, e))).transpose()
}

/// An unreadable stored date.
#[derive(Debug)]
struct BadDate(String);

impl std::fmt::Display for BadDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an ISO date: {:?}", self.0)
    }
}

impl std::error::Error for BadDate {}

/// A text column holding an ISO date.
pub fn date_col(r: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    let s: String = r.try_get(col)?;
    crate::util::parse_date(&s).ok_or_else(|| corrupt(col, BadDate(s)))
}

/// A nullable text column holding an ISO date (NULL = not recorded; anything unreadable is an error).
pub fn opt_date_col(r: &AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|s| crate::util::parse_date(&s).ok_or_else(|| corrupt(col, BadDate(s)))).transpose()
}

/// A text column holding JSON.
pub fn json_col(r: &AnyRow, col: &str) -> Result<serde_json::Value, sqlx::Error> {
    let s: String = r.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| corrupt(col, e))
}

/// The exclusive upper bound of the strings that start with `prefix` (the prefix with its last
/// character incremented): `col >= prefix AND col < upper` is an index range scan on every backend,
/// where `LIKE 'prefix%'` is not (SQLite's LIKE is case-insensitive, PostgreSQL's needs `C` collation).
pub fn prefix_upper(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    "\u{10FFFF}".to_string()
}

/// The largest page number a list reads; beyond it every list is empty anyway.
pub const MAX_PAGE: i64 = 1_000_000;

/// A requested 1-based page number, clamped to `1..=MAX_PAGE`.
pub fn clamp_page(page: Option<i64>) -> i64 {
    page.unwrap_or(1).clamp(1, MAX_PAGE)
}

/// The OFFSET of a page of `per` rows (checked arithmetic): a page too large for any list reads
/// past the end (an empty page) on both backends, never a negative or overflowing OFFSET that
/// PostgreSQL refuses.
pub fn page_offset(page: Option<i64>, per: i64) -> i64 {
    (clamp_page(page) - 1).saturating_mul(per.max(0))
}

/// `(col >= $a AND col < $b)` selecting every value that starts with `prefix`.
pub fn prefix_cond(col: &str, prefix: &str, args: &mut Args) -> String {
    let lo = args.text(prefix);
    let hi = args.text(prefix_upper(prefix));
    format!("({col} >= {lo} AND {col} < {hi})")
}

/// A bound value of a dynamically built query.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text (dates are text too).
    Text(String),
    /// Integer.
    Int(i64),
    /// Nullable text.
    OptText(Option<String>),
    /// Nullable integer.
    OptInt(Option<i64>),
}

/// Collects the arguments of a dynamically built WHERE clause and hands out `$n` placeholders.
#[derive(Debug, Default, Clone)]
pub struct Args(pub Vec<Arg>);

impl Args {
    /// Adds a text value and returns its placeholder.
    pub fn text(&mut self, v: impl Into<String>) -> String {
        self.0.push(Arg::Text(v.into()));
        format!("${}", self.0.len())
    }
    /// Adds an integer value and returns its placeholder.
    pub fn int(&mut self, v: i64) -> String {
        self.0.push(Arg::Int(v));
        format!("${}", self.0.len())
    }
    /// Binds every value to a query, in order.
    pub fn bind<'q>(&self, mut q: Query<'q, sqlx::Any, AnyArguments<'q>>) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
        for a in &self.0 {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
                Arg::OptText(s) => q.bind(s.clone()),
                Arg::OptInt(i) => q.bind(*i),
            };
        }
        q
    }
}

/// Inserts many rows with multi-row INSERT statements, in chunks that stay under every
/// backend's parameter limit.
pub async fn insert_rows(
    conn: &mut crate::db::Conn,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // ~500 parameters a statement: SQLite resolves each `$n` by scanning the parameter names, so
    // the cost of binding grows with the square of the statement size.
    let per_chunk = (500 / columns.len().max(1)).max(1);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = it.by_ref().take(per_chunk).collect();
        let mut args = Args::default();
        let mut values = Vec::with_capacity(chunk.len());
        for row in chunk {
            let ph: Vec<String> = row
                .into_iter()
                .map(|a| {
                    args.0.push(a);
                    format!("${}", args.0.len())
                })
                .collect();
            values.push(format!("({})", ph.join(", ")));
        }
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), values.join(", "));
        args.bind(sqlx::query(&sql)).execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_upper_increments_the_last_character() {
        assert_eq!(prefix_upper("/1/5/"), "/1/50");
        assert_eq!(prefix_upper("zs"), "zt");
        assert_eq!(prefix_upper("S2023"), "S2024");
        // Every path in the subtree /1/5/ sorts inside the range, and /1/50/ (a sibling) outside.
        for inside in ["/1/5/", "/1/5/23/", "/1/5/9/100/"] {
            assert!(inside >= "/1/5/" && inside < prefix_upper("/1/5/").as_str());
        }
        for outside in ["/1/50/", "/1/6/", "/1/4/", "/1/"] {
            assert!(!(outside >= "/1/5/" && outside < prefix_upper("/1/5/").as_str()), "{outside}");
        }
    }
}
