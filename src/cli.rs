//! Command line: serve, migrate, demo, user add, import, export, check, backup, openapi.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::demo::generate::DemoSpec;
use crate::domain::Role;

const DEFAULT_DB: &str = "sqlite://jiceng.db";

#[derive(Parser)]
#[command(name = "jiceng", version, about = "基层党建组织工作平台")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct DbArg {
    /// Database URL: sqlite://FILE.db or postgres://user@host/db
    #[arg(long, env = "JICENG_DATABASE_URL", default_value = DEFAULT_DB, global = true)]
    database: String,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web app and the JSON API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on.
        #[arg(long, env = "JICENG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo university when the database is empty.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served behind HTTPS).
        #[arg(long, env = "JICENG_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Create the root org (校党委) of a new installation.
    Init {
        #[command(flatten)]
        db: DbArg,
        /// Name, e.g. 中共某某大学委员会
        #[arg(long)]
        name: String,
        /// Founding date (default today).
        #[arg(long)]
        established_on: Option<chrono::NaiveDate>,
    },
    /// Load synthetic demo data into an empty database.
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// university | province | a number of members
        #[arg(long, default_value = "university")]
        scale: String,
        /// Random seed (same seed, same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Import a member roster or existing development cases (xlsx or csv), all rows or none.
    Import {
        #[command(flatten)]
        db: DbArg,
        /// What to import (members, development).
        what: String,
        /// The file.
        file: std::path::PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the member roster to xlsx.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// What to export (members).
        what: String,
        /// Restrict to an org's subtree.
        #[arg(long)]
        org: Option<i64>,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Run every check, print findings, and verify the audit chain.
    Check {
        #[command(flatten)]
        db: DbArg,
        /// Evaluate on this date (default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Write a consistent copy of a SQLite database to FILE.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// Output file.
        file: std::path::PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// school_admin | unit_admin | branch_admin | inspector | member
        #[arg(long)]
        role: String,
        /// The org the user manages.
        #[arg(long)]
        org: Option<i64>,
        /// The member record (member role).
        #[arg(long)]
        member: Option<i64>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

fn spec_for(scale: &str, seed: u64) -> anyhow::Result<DemoSpec> {
    let today = crate::util::today();
    Ok(match scale {
        "university" => DemoSpec::university(seed, today),
        "province" => DemoSpec::province(seed, today),
        n => DemoSpec::custom(
            n.parse().map_err(|_| anyhow::anyhow!("--scale 应为 university、province 或党员人数"))?,
            seed,
            today,
        ),
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.cmd {
        Cmd::Serve { db, listen, demo, secure_cookies } => {
            let database = open(&db.database).await?;
            if demo && crate::demo::is_empty(&database).await? {
                eprintln!("数据库为空，正在载入演示大学……");
                let s = crate::demo::load(&database, &spec_for("university", 2026)?, true).await?;
                eprintln!("已载入 {} 个组织、{} 名党员。", s.orgs, s.members);
            }
            if demo {
                print_demo_accounts(&database).await?;
            }
            warm_todo_cache(&database).await;
            let app = crate::web::router(crate::web::AppState::new(database, secure_cookies));
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            eprintln!("jiceng 已启动：http://{}/  （API 文档：/api/docs/）", listener.local_addr()?);
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(shutdown())
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Init { db, name, established_on } => {
            let database = open(&db.database).await?;
            let on = established_on.unwrap_or_else(crate::util::today);
            match crate::service::orgs::create_root(&database, &Scope::system("命令行"), &name, on).await {
                Ok(o) => {
                    eprintln!(
                        "已建立根组织「{}」（编号 {}）。下一步：jiceng user add --username admin --role school_admin --password-stdin",
                        o.name, o.id
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("失败：{}", e.message);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Cmd::Migrate { db } => {
            open(&db.database).await?;
            eprintln!("数据库已迁移到最新版本。");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Demo { db, scale, seed } => {
            let database = open(&db.database).await?;
            let started = std::time::Instant::now();
            let s = crate::demo::load(&database, &spec_for(&scale, seed)?, true).await?;
            eprintln!(
                "已载入 {} 个组织、{} 名党员、{} 份发展党员档案，用时 {:.1} 秒。",
                s.orgs,
                s.members,
                s.cases,
                started.elapsed().as_secs_f64()
            );
            for a in s.accounts {
                eprintln!("  {:<10} {}  {}", a.username, a.role.label(), a.scope_name);
            }
            eprintln!("演示账号密码：{}", crate::demo::DEMO_PASSWORD);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::User { cmd: UserCmd::Add { db, username, role, org, member, password_stdin } } => {
            let database = open(&db.database).await?;
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("未知角色：{role}"))?;
            anyhow::ensure!(password_stdin, "请使用 --password-stdin 从标准输入读取密码");
            let mut pw = String::new();
            std::io::stdin().read_to_string(&mut pw)?;
            let pw = pw.trim_end_matches(['\r', '\n']).to_string();
            let scope = Scope::system("命令行");
            let input = crate::service::users::CreateUser {
                username,
                display_name: None,
                role,
                org_id: org,
                member_id: member,
                password: pw,
            };
            let scope = match crate::repo::orgs::root(&mut *database.pool.acquire().await?).await? {
                Some(r) => Scope { org_id: r.id, root_path: r.path, ..scope },
                None => scope,
            };
            match crate::service::users::create(&database, &scope, input).await {
                Ok(u) => {
                    eprintln!("已创建账号 {}（{}）。", u.username, u.role.label());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("创建失败：{}", e.message);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Cmd::Import { db, what, file, dry_run } => {
            anyhow::ensure!(what == "members" || what == "development", "目前只支持导入 members 或 development");
            let database = open(&db.database).await?;
            let bytes = std::fs::read(&file)?;
            let scope = system_scope(&database).await?;
            let result = if what == "development" {
                crate::service::development::import::import_cases(&database, &scope, bytes, dry_run).await
            } else {
                crate::service::import::import_members(&database, &scope, bytes, dry_run).await
            };
            let unit = if what == "development" { "个发展党员档案" } else { "名党员" };
            match result {
                Ok(r) => {
                    for e in &r.errors {
                        println!("{}", e.message);
                    }
                    if r.committed {
                        eprintln!("已导入 {} {unit}。", r.created);
                        Ok(ExitCode::SUCCESS)
                    } else {
                        eprintln!(
                            "共 {} 行，无误 {} 行，错误 {} 条；{}。",
                            r.total,
                            r.valid,
                            r.errors.len(),
                            if dry_run { "仅检查，未写入" } else { "未写入任何数据" }
                        );
                        Ok(if r.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
                    }
                }
                Err(e) => {
                    eprintln!("导入失败：{}", e.message);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Cmd::Export { db, what, org, out } => {
            anyhow::ensure!(what == "members", "目前只支持导出 members");
            let database = open(&db.database).await?;
            let scope = system_scope(&database).await?;
            let f = crate::repo::members::MemberFilter { org, ..Default::default() };
            let bytes = crate::service::export::members_xlsx(&database, &scope, &f)
                .await
                .map_err(|e| anyhow::anyhow!(e.message.clone()))?;
            std::fs::write(&out, bytes)?;
            eprintln!("已导出到 {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { db, as_of } => {
            let database = open(&db.database).await?;
            let scope = system_scope(&database).await?;
            let date = as_of.unwrap_or_else(crate::util::today);
            let findings = crate::service::findings::for_scope(&database, &scope, None, date)
                .await
                .map_err(|e| anyhow::anyhow!(e.message.clone()))?;
            for f in &findings {
                println!("[{}] {} {}（{}）", f.severity.label(), f.rule, f.message_zh, f.source);
            }
            eprintln!("共 {} 条问题（{}）。", findings.len(), date);
            let report = crate::repo::audit::verify_chain(&mut *database.pool.acquire().await?).await?;
            if report.broken.is_empty() {
                eprintln!("审计链完整：已校验 {} 条记录。", report.checked);
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("审计链断裂！异常记录编号：{:?}", report.broken);
                Ok(ExitCode::from(2))
            }
        }
        Cmd::Backup { db, file } => {
            let database = Db::connect(&db.database).await?;
            anyhow::ensure!(database.backend == crate::db::Backend::Sqlite, "PostgreSQL 请使用 pg_dump 备份");
            anyhow::ensure!(!file.exists(), "目标文件已存在：{}", file.display());
            let path = file.to_string_lossy().replace('\'', "''");
            sqlx::query(&format!("VACUUM INTO '{path}'")).execute(&database.pool).await?;
            eprintln!("已备份到 {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Openapi => {
            use utoipa::OpenApi;
            println!("{}", crate::web::api::ApiDoc::openapi().to_pretty_json()?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Rebuilds the 待办 cache (emptied by the migrations at start-up) in the background, so the first
/// user's list does not pay for it.
async fn warm_todo_cache(db: &Db) {
    let Ok(scope) = system_scope(db).await else { return };
    let db = db.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let filter = crate::service::development::CaseFilter::default();
        match crate::service::development::list(&db, &scope, &filter).await {
            Ok(rows) => {
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                tracing::info!(cases = rows.len(), ms, "待办 cache rebuilt");
            }
            Err(e) => tracing::warn!(error = %e.message, "待办 cache not rebuilt"),
        }
    });
}

async fn system_scope(db: &Db) -> anyhow::Result<Scope> {
    let root = crate::repo::orgs::root(&mut *db.pool.acquire().await?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("数据库中还没有组织"))?;
    Ok(Scope { org_id: root.id, root_path: root.path, ..Scope::system("命令行") })
}

async fn print_demo_accounts(db: &Db) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT u.username, u.role, o.name AS org_name FROM app_user u LEFT JOIN org o ON o.id = u.org_id ORDER BY u.id LIMIT 10")
        .fetch_all(&db.pool)
        .await?;
    eprintln!("演示账号（密码均为 {}）：", crate::demo::DEMO_PASSWORD);
    for r in rows {
        use sqlx::Row;
        let role: String = r.try_get("role")?;
        let org: Option<String> = r.try_get("org_name")?;
        eprintln!(
            "  {:<10} {:<8} {}",
            r.try_get::<String, _>("username")?,
            Role::parse(&role).map(|x| x.label()).unwrap_or(""),
            org.unwrap_or_default()
        );
    }
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
