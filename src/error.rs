//! The one error type of the service and web boundary (DESIGN.md §5).

use std::collections::BTreeMap;

use crate::rules::{Finding, Severity};

/// What went wrong (boxed so `Result<T, AppError>` stays one pointer wide); fields are read
/// through `Deref`.
#[derive(Debug)]
pub struct AppError(Box<AppErrorInner>);

impl std::ops::Deref for AppError {
    type Target = AppErrorInner;
    fn deref(&self) -> &AppErrorInner {
        &self.0
    }
}

impl std::ops::DerefMut for AppError {
    fn deref_mut(&mut self) -> &mut AppErrorInner {
        &mut self.0
    }
}

/// What went wrong, with the HTTP status it maps to, a stable code, a Chinese message, the rule
/// id when a rule refused, and per-field messages.
#[derive(Debug)]
pub struct AppErrorInner {
    /// HTTP status code.
    pub status: u16,
    /// Stable snake_case code for programs.
    pub code: &'static str,
    /// Chinese explanation for people.
    pub message: String,
    /// RULES.md id when a rule refused the request.
    pub rule: Option<String>,
    /// Field name → Chinese message.
    pub fields: BTreeMap<String, String>,
    /// Findings behind a rule refusal (dates, gaps).
    pub findings: Vec<Finding>,
    /// The internal cause of a 500 (logged, never shown).
    pub source: Option<anyhow::Error>,
}

/// Result alias used across services.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        AppError(Box::new(AppErrorInner {
            status,
            code,
            message: message.into(),
            rule: None,
            fields: BTreeMap::new(),
            findings: Vec::new(),
            source: None,
        }))
    }

    /// Takes the parts out (for rendering).
    pub fn into_inner(self) -> AppErrorInner {
        *self.0
    }
    /// 400: malformed input; name the field.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = AppError::new(400, "bad_request", message.clone());
        if !field.is_empty() {
            e.fields.insert(field.to_string(), message);
        }
        e
    }
    /// 422: well-formed input that breaks a validation or rule; fields carry the messages.
    pub fn invalid(fields: BTreeMap<String, String>) -> Self {
        let message = fields.values().cloned().collect::<Vec<_>>().join("；");
        let mut e = AppError::new(422, "validation_failed", message);
        e.fields = fields;
        e
    }
    /// 422 for one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut f = BTreeMap::new();
        f.insert(field.to_string(), message.into());
        AppError::invalid(f)
    }
    /// 422 from blocking rule findings; each finding's `field` fact becomes a field error.
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        let mut blocks: Vec<Finding> = findings.into_iter().filter(|f| f.severity == Severity::Block).collect();
        // A missing earlier step is the first thing to fix: name its rule first.
        blocks.sort_by_key(|f| !f.facts.iter().any(|x| x.key == "missing_step"));
        let mut e = AppError::new(
            422,
            "rule_violation",
            blocks.iter().map(|f| f.message_zh.clone()).collect::<Vec<_>>().join("；"),
        );
        e.rule = blocks.first().map(|f| f.rule.clone());
        for f in &blocks {
            let field = f.facts.iter().find(|x| x.key == "field").map(|x| x.value.clone());
            if let Some(field) = field {
                e.fields
                    .entry(field)
                    .and_modify(|m| {
                        m.push('；');
                        m.push_str(&f.message_zh)
                    })
                    .or_insert_with(|| f.message_zh.clone());
            }
        }
        e.findings = blocks;
        e
    }
    /// 401: not logged in.
    pub fn unauthorized() -> Self {
        AppError::new(401, "unauthorized", "请先登录")
    }
    /// 403: logged in but not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::new(403, "forbidden", message)
    }
    /// 404: absent or outside the user's scope (the two are indistinguishable on purpose).
    pub fn not_found() -> Self {
        AppError::new(404, "not_found", "未找到该记录，或您无权查看")
    }
    /// 409: a duplicate of a unique value.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = AppError::new(409, "conflict", message.clone());
        e.fields.insert(field.to_string(), message);
        e
    }
    /// 413: upload too large.
    pub fn too_large(message: impl Into<String>) -> Self {
        AppError::new(413, "payload_too_large", message)
    }
    /// 429: too many attempts.
    pub fn too_many(message: impl Into<String>) -> Self {
        AppError::new(429, "too_many_requests", message)
    }
    /// 500: an internal failure; the cause is logged, not shown.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        let mut e = AppError::new(500, "internal", "服务器内部错误，请稍后重试或联系管理员");
        e.source = Some(err.into());
        e
    }
    /// 500 "数据异常": something stored cannot be read (an unknown value, an unreadable date or
    /// step record). Never replaced by a default; the cause is logged, not shown.
    pub fn data_corrupt(err: impl Into<anyhow::Error>) -> Self {
        let mut e = AppError::new(500, "data_corrupt", "数据异常：系统中有无法识别的记录，请联系管理员核查");
        e.source = Some(err.into());
        e
    }
    /// Attaches a rule id.
    pub fn with_rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.to_string());
        self
    }
}

/// Unique constraints → (field, message). SQLite names `table.column`, PostgreSQL the constraint.
const UNIQUE_FIELDS: &[(&str, &str, &str, &str)] = &[
    ("person_id_card_no_key", "person.id_card_no", "id_card_no", "身份证号已存在：系统中已有此人"),
    ("person_staff_no_key", "person.staff_no", "staff_no", "工号/学号已存在"),
    ("app_user_username_key", "app_user.username", "username", "用户名已存在"),
    ("member_person_key", "member.person_id", "person_id", "此人已有党员记录"),
];

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let msg = db.message().to_string();
            let constraint = db.constraint().unwrap_or_default().to_string();
            for (pg, lite, field, zh) in UNIQUE_FIELDS {
                if constraint == *pg || msg.contains(lite) || msg.contains(pg) {
                    return AppError::conflict(field, *zh);
                }
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return AppError::not_found();
        }
        if matches!(err, sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_)) {
            return AppError::data_corrupt(err);
        }
        AppError::internal(err)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::internal(err)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        if let Some(s) = &self.source {
            write!(f, " ({s:#})")?;
        }
        Ok(())
    }
}

impl AppError {
    /// Overrides the code and status (e.g. a field error that is really a 401).
    pub fn with_code(mut self, code: &'static str, status: u16) -> Self {
        self.code = code;
        self.status = status;
        self
    }
}
