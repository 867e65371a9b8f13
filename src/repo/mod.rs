//! Queries. Every function that reads org-owned data takes a [`Scope`](crate::auth::scope::Scope).

pub mod audit;
pub mod members;
pub mod orgs;
pub mod users;

use sqlx::any::AnyArguments;
use sqlx::query::Query;

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
