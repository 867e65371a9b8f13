//! Queries. Every function that reads org-owned data takes a [`Scope`](crate::auth::scope::Scope).

pub mod actors;
pub mod audit;
pub mod development;
pub mod development_extra;
pub mod meetings;
pub mod members;
pub mod orgs;
pub mod penalties;
pub mod publicity;
pub mod users;

use sqlx::any::AnyArguments;
use sqlx::query::Query;

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
