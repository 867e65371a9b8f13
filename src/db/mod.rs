//! Database access: one pool over SQLite or PostgreSQL through sqlx's `Any` driver.
//!
//! Every SQL text in the repo layer is portable (numbered `$1` parameters, `||`, `LIKE`,
//! `RETURNING`); the few backend differences live in [`dialect`]. Dates are stored as ISO
//! `YYYY-MM-DD` text and timestamps as RFC 3339 text in UTC, so they compare and sort the same on
//! both backends and on distributed PostgreSQL-compatible engines.

pub mod dialect;
pub mod migrations;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use dialect::Backend;

/// A transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// A connection on either backend.
pub type Conn = sqlx::AnyConnection;

/// The database handle shared by the whole process.
#[derive(Clone)]
pub struct Db {
    /// The connection pool.
    pub pool: AnyPool,
    /// Which backend the URL selected.
    pub backend: Backend,
    /// SQLite has one writer at a time: writers queue here instead of failing with SQLITE_BUSY.
    write_lock: Arc<Mutex<()>>,
    /// Distinguishes databases opened by one process (cache keys).
    pub instance: u64,
    /// Bumped by every committed write of this process (cache invalidation).
    pub generation: Arc<AtomicU64>,
}

static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// A write transaction; on SQLite it also holds the in-process writer lock.
pub struct WriteTx {
    /// The open transaction.
    pub tx: Tx,
    _guard: Option<OwnedMutexGuard<()>>,
    generation: Arc<AtomicU64>,
}

impl WriteTx {
    /// Commits the transaction (and releases the writer lock).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Rolls the transaction back and releases the writer lock: nothing is written and the
    /// generation (cache invalidation) is not bumped (a look-ahead check, issue 8).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Db {
    /// Connects to `url` (`sqlite://file.db`, `sqlite::memory:`, `postgres://…`), creating a
    /// SQLite file if needed, and applies per-connection settings (WAL, foreign keys).
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = backend.normalize_url(url);
        let opts: AnyConnectOptions = url.parse()?;
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let max = match backend {
            // An in-memory SQLite database exists once per connection: keep exactly one.
            Backend::Sqlite if memory => 1,
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        if !memory {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                        }
                        conn.execute("PRAGMA cache_size = -4000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            instance: INSTANCES.fetch_add(1, Ordering::SeqCst),
            generation: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Begins a write transaction. On SQLite writers are serialized in-process first, and the
    /// transaction takes the write lock at `BEGIN IMMEDIATE`: a deferred transaction that reads
    /// and then writes gets SQLITE_BUSY at once (no busy wait) while another connection still
    /// holds the lock, e.g. a failed writer whose rollback runs after its guard was released.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let (guard, tx) = match self.backend {
            Backend::Sqlite => {
                let guard = self.write_lock.clone().lock_owned().await;
                (Some(guard), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres => (None, self.pool.begin().await?),
        };
        Ok(WriteTx { tx, _guard: guard, generation: self.generation.clone() })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        migrations::run(self).await
    }

    /// True when the database answers a trivial query.
    pub async fn healthy(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}
