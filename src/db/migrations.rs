//! Schema migrations: portable DDL, applied in order, recorded in `schema_migration`.
//! `{pk}` expands per backend ([`super::Backend::ddl`]); no backend-only features.

use super::Db;

/// One migration: a version number and its statements.
struct Migration {
    version: i64,
    name: &'static str,
    statements: &'static [&'static str],
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "spine: org tree, people, members, positions, users, sessions, audit",
        statements: &[
            "CREATE TABLE org (
            id {pk},
            parent_id BIGINT REFERENCES org(id),
            kind TEXT NOT NULL,
            category TEXT,
            name TEXT NOT NULL,
            path TEXT {bytewise} NOT NULL,
            depth BIGINT NOT NULL,
            joint_branch BIGINT NOT NULL DEFAULT 0,
            established_on TEXT NOT NULL,
            dissolved_on TEXT,
            term_start TEXT,
            sort_order BIGINT NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )",
            "CREATE INDEX org_path_idx ON org(path)",
            "CREATE INDEX org_parent_idx ON org(parent_id)",
            // One row per period in which an org had a given name, parent and kind: the tree as of
            // any date is rebuilt from the versions valid on that date.
            "CREATE TABLE org_version (
            id {pk},
            org_id BIGINT NOT NULL REFERENCES org(id),
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            parent_id BIGINT,
            kind TEXT NOT NULL,
            category TEXT,
            name TEXT NOT NULL,
            change_reason TEXT
        )",
            "CREATE INDEX org_version_org_idx ON org_version(org_id, valid_from)",
            "CREATE TABLE person (
            id {pk},
            name TEXT NOT NULL,
            name_pinyin TEXT {bytewise} NOT NULL,
            name_initials TEXT {bytewise} NOT NULL,
            gender TEXT NOT NULL,
            ethnicity TEXT,
            birth_date TEXT NOT NULL,
            id_card_no TEXT,
            staff_no TEXT {bytewise},
            education TEXT,
            title TEXT,
            category TEXT NOT NULL,
            phone TEXT,
            enrollment_year BIGINT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CONSTRAINT person_id_card_no_key UNIQUE (id_card_no),
            CONSTRAINT person_staff_no_key UNIQUE (staff_no)
        )",
            "CREATE INDEX person_initials_idx ON person(name_initials)",
            "CREATE INDEX person_pinyin_idx ON person(name_pinyin)",
            "CREATE TABLE member (
            id {pk},
            person_id BIGINT NOT NULL REFERENCES person(id),
            org_id BIGINT NOT NULL REFERENCES org(id),
            org_path TEXT {bytewise} NOT NULL,
            status TEXT NOT NULL,
            joined_on TEXT NOT NULL,
            full_on TEXT,
            special_status TEXT NOT NULL DEFAULT 'normal',
            special_status_since TEXT,
            sort_key TEXT {bytewise} NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CONSTRAINT member_person_key UNIQUE (person_id)
        )",
            "CREATE INDEX member_org_idx ON member(org_id)",
            "CREATE INDEX member_path_sort_idx ON member(org_path, sort_key)",
            "CREATE INDEX member_sort_idx ON member(sort_key, id)",
            "CREATE TABLE membership_period (
            id {pk},
            member_id BIGINT NOT NULL REFERENCES member(id),
            org_id BIGINT NOT NULL REFERENCES org(id),
            start_on TEXT NOT NULL,
            end_on TEXT,
            reason TEXT
        )",
            "CREATE INDEX membership_period_member_idx ON membership_period(member_id)",
            "CREATE INDEX membership_period_org_idx ON membership_period(org_id, start_on)",
            "CREATE TABLE member_status_event (
            id {pk},
            member_id BIGINT NOT NULL REFERENCES member(id),
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT NOT NULL,
            effective_on TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL
        )",
            "CREATE INDEX member_status_event_member_idx ON member_status_event(member_id)",
            "CREATE TABLE org_position (
            id {pk},
            org_id BIGINT NOT NULL REFERENCES org(id),
            member_id BIGINT NOT NULL REFERENCES member(id),
            role TEXT NOT NULL,
            start_on TEXT NOT NULL,
            end_on TEXT
        )",
            "CREATE INDEX org_position_org_idx ON org_position(org_id)",
            "CREATE INDEX org_position_member_idx ON org_position(member_id)",
            "CREATE TABLE app_user (
            id {pk},
            username TEXT NOT NULL,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            org_id BIGINT REFERENCES org(id),
            member_id BIGINT REFERENCES member(id),
            active BIGINT NOT NULL DEFAULT 1,
            failed_logins BIGINT NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            CONSTRAINT app_user_username_key UNIQUE (username)
        )",
            "CREATE TABLE app_session (
            id {pk},
            token_hash TEXT NOT NULL,
            user_id BIGINT NOT NULL REFERENCES app_user(id),
            kind TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            label TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            CONSTRAINT app_session_token_key UNIQUE (token_hash)
        )",
            "CREATE TABLE audit_event (
            id {pk},
            at TEXT NOT NULL,
            actor_user_id BIGINT,
            actor_name TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id BIGINT,
            org_path TEXT {bytewise},
            summary TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )",
            "CREATE INDEX audit_event_path_idx ON audit_event(org_path)",
            // A single row that every audit append updates first: it serializes appenders so the
            // hash chain never forks, on any backend.
            "CREATE TABLE audit_head (id BIGINT PRIMARY KEY, last_id BIGINT NOT NULL, last_hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')",
            "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    },
    Migration {
        version: 2,
        name: "member development: cases, recorded steps, justified overrides",
        statements: &[
            "CREATE TABLE development_case (
            id {pk},
            person_id BIGINT NOT NULL REFERENCES person(id),
            org_id BIGINT NOT NULL REFERENCES org(id),
            org_path TEXT {bytewise} NOT NULL,
            stage TEXT NOT NULL,
            status TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            closed_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )",
            "CREATE INDEX development_case_path_idx ON development_case(org_path)",
            "CREATE INDEX development_case_person_idx ON development_case(person_id)",
            // One row per recorded step; `body` holds the details as JSON (people, deciding body,
            // meeting, materials, vote counts), so new detail fields need no migration.
            "CREATE TABLE development_step (
            id {pk},
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            step TEXT NOT NULL,
            done_on TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX development_step_case_idx ON development_step(case_id, done_on)",
            "CREATE TABLE development_override (
            id {pk},
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            rule TEXT NOT NULL,
            reason TEXT NOT NULL,
            user_name TEXT NOT NULL,
            created_at TEXT NOT NULL
        )",
            "CREATE INDEX development_override_case_idx ON development_override(case_id)",
        ],
    },
];

/// Applies every migration not yet recorded, each in its own transaction.
pub async fn run(db: &Db) -> anyhow::Result<()> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        .execute(&db.pool)
        .await?;
    for m in MIGRATIONS {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migration WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&db.pool)
            .await?;
        if done.is_some() {
            continue;
        }
        let mut w = db.begin_write().await?;
        for stmt in m.statements {
            sqlx::query(&db.backend.ddl(stmt)).execute(&mut *w.tx).await?;
        }
        sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(crate::util::now_rfc3339())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        tracing::info!(version = m.version, "migration applied");
    }
    Ok(())
}
