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
    Migration {
        version: 3,
        name: "development: penalties, working days, 公示 and objections, meetings, materials, transfers, archive, feed tokens",
        statements: &[
            // 党纪处分 of members (R1.10 介绍人 eligibility, R1.17 voting rights under 留党察看).
            "CREATE TABLE member_penalty (
            id {pk},
            member_id BIGINT NOT NULL REFERENCES member(id),
            kind TEXT NOT NULL,
            decided_on TEXT NOT NULL,
            period_months INTEGER,
            restored_on TEXT,
            document TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX member_penalty_member_idx ON member_penalty(member_id)",
            // Admin corrections of the built-in holiday calendar (C4): a day made a holiday or a 调休 workday.
            "CREATE TABLE workday_override (
            day TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        )",
            // The 公示 of a 发展对象 (R1.8), editable text, and objections raised during it.
            "CREATE TABLE development_publicity (
            id {pk},
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            org_id BIGINT NOT NULL REFERENCES org(id),
            org_path TEXT {bytewise} NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            place TEXT,
            start_on TEXT NOT NULL,
            end_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )",
            "CREATE INDEX development_publicity_case_idx ON development_publicity(case_id)",
            "CREATE INDEX development_publicity_path_idx ON development_publicity(org_path, end_on)",
            "CREATE TABLE development_objection (
            id {pk},
            publicity_id BIGINT NOT NULL REFERENCES development_publicity(id),
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            received_on TEXT NOT NULL,
            raised_by TEXT,
            content TEXT NOT NULL,
            resolved_on TEXT,
            resolution TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX development_objection_case_idx ON development_objection(case_id)",
            // One 党支部党员大会 deciding one or more candidates (R1.15–1.17); each candidate's vote
            // step points at it.
            "CREATE TABLE development_meeting (
            id {pk},
            org_id BIGINT NOT NULL REFERENCES org(id),
            org_path TEXT {bytewise} NOT NULL,
            kind TEXT NOT NULL,
            held_on TEXT NOT NULL,
            eligible_voters INTEGER NOT NULL,
            present INTEGER NOT NULL,
            written_opinions INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX development_meeting_path_idx ON development_meeting(org_path, held_on)",
            "ALTER TABLE development_step ADD COLUMN meeting_id BIGINT",
            // Materials of a step: an uploaded file, or a note that the paper copy is on file.
            "CREATE TABLE development_material (
            id {pk},
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            step TEXT NOT NULL,
            kind TEXT NOT NULL,
            file_name TEXT,
            content_type TEXT,
            size BIGINT NOT NULL,
            sha256 TEXT,
            data {blob},
            note TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX development_material_case_idx ON development_material(case_id)",
            // Moves of a case between branches (R1.9: training time counts continuously).
            "CREATE TABLE development_transfer (
            id {pk},
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            from_org_id BIGINT NOT NULL REFERENCES org(id),
            to_org_id BIGINT NOT NULL REFERENCES org(id),
            left_on TEXT NOT NULL,
            arrived_on TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )",
            "CREATE INDEX development_transfer_case_idx ON development_transfer(case_id)",
            // The R1.28 archive checklist of a case.
            "CREATE TABLE development_archive_item (
            case_id BIGINT NOT NULL REFERENCES development_case(id),
            item TEXT NOT NULL,
            status TEXT NOT NULL,
            note TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (case_id, item)
        )",
            // Tokens of a user's iCalendar (.ics) feed of due steps; only the hash is stored.
            "CREATE TABLE feed_token (
            id {pk},
            user_id BIGINT NOT NULL REFERENCES app_user(id),
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )",
        ],
    },
    Migration {
        version: 4,
        name: "members who left the party (取消预备党员资格, R1.24)",
        statements: &[
            // A member whose membership ended keeps the row (history, audit) with the date and reason;
            // current rosters and counts read `left_on IS NULL`.
            "ALTER TABLE member ADD COLUMN left_on TEXT",
            "ALTER TABLE member ADD COLUMN exit_reason TEXT",
        ],
    },
    Migration {
        version: 5,
        name: "development: case revisions and the cached 待办 of each open case",
        statements: &[
            // Bumped by every write that changes what is due in a case (steps, transfers, 公示, objections).
            "ALTER TABLE development_case ADD COLUMN revision BIGINT NOT NULL DEFAULT 0",
            // What is due, as computed at `revision` under the rule settings and calendar `version`;
            // derived data, rebuilt whenever either differs (not audited).
            "CREATE TABLE development_due (
            case_id BIGINT PRIMARY KEY REFERENCES development_case(id),
            revision BIGINT NOT NULL,
            version TEXT NOT NULL,
            last_step TEXT,
            last_step_on TEXT,
            due_json TEXT NOT NULL
        )",
        ],
    },
    Migration {
        version: 7,
        name: "development: a justification covers one decision (override keyed to its step record)",
        statements: &[
            // The step record (step and round) an override was given for (issue 8 part 6); it never
            // covers the same rule at another step or in a later round.
            "ALTER TABLE development_override ADD COLUMN step_id BIGINT REFERENCES development_step(id)",
            // Existing overrides were inserted just before their step, in the same transaction: the
            // first step of the case recorded at or after the override is the one it was given for.
            OVERRIDE_STEP_BACKFILL,
        ],
    },
    Migration {
        version: 9,
        name: "orgs: 换届 / 延期换届 / 换届请示 records, founding members, seat justifications, 活动证",
        statements: &[
            // One row per re-election (换届选举, opens a new term), approved postponement (延期换届,
            // R3.5/R4.2: until_on at most one year after the term's end, approving body and document
            // required) or teacher-branch election request (换届请示, R3.5: 4 months before expiry).
            "CREATE TABLE org_term_event (
            id {pk},
            org_id BIGINT NOT NULL REFERENCES org(id),
            kind TEXT NOT NULL,
            event_on TEXT NOT NULL,
            until_on TEXT,
            approved_by TEXT,
            document_no TEXT,
            note TEXT,
            created_at TEXT NOT NULL
        )",
            "CREATE INDEX org_term_event_org_idx ON org_term_event(org_id, event_on)",
            // The full members a branch was established with (成立, R3.1: at least 3).
            "CREATE TABLE org_founding_member (
            org_id BIGINT NOT NULL REFERENCES org(id),
            member_id BIGINT NOT NULL REFERENCES member(id),
            PRIMARY KEY (org_id, member_id)
        )",
            // Why a seat outside the usual committee size was given anyway (RULES §8 C5).
            "ALTER TABLE org_position ADD COLUMN justification TEXT",
            // A 流动党员 holds a 流动党员活动证 (R5.4).
            "ALTER TABLE member ADD COLUMN mobile_certificate BIGINT NOT NULL DEFAULT 0",
        ],
    },
    Migration {
        version: 8,
        name: "development: 流动人员 candidates and where each 公示 is posted (R1.8, 2026)",
        statements: &[
            // 1 = the person is a 流动人员: the 公示 is posted at both the outflow and the inflow place.
            "ALTER TABLE development_case ADD COLUMN mobile BIGINT NOT NULL DEFAULT 0",
            // `outflow` (流出地) or `inflow` (流入地) for a 流动人员's notices; NULL = the unit's own notice.
            "ALTER TABLE development_publicity ADD COLUMN location TEXT",
        ],
    },
];

/// Migration 7's backfill: an override from before it covers the first step of its case recorded at
/// or after it (overrides were written just before their step, in the same transaction).
pub const OVERRIDE_STEP_BACKFILL: &str = "UPDATE development_override SET step_id = (SELECT MIN(s.id) FROM development_step s \
     WHERE s.case_id = development_override.case_id AND s.created_at >= development_override.created_at) \
     WHERE step_id IS NULL";

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
    // The cached 待办 rows were computed by whatever binary ran before: rebuild them lazily.
    sqlx::query("DELETE FROM development_due").execute(&db.pool).await?;
    Ok(())
}
