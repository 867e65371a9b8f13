//! The one policy for free text arriving from outside (JSON bodies, forms, query strings,
//! upload fields and imported cells): no NUL byte (PostgreSQL cannot store one, SQLite would)
//! and a length limit per field, from one table. No IO.

/// Limit for fields the table does not name.
pub const DEFAULT_MAX_CHARS: usize = 200;

/// Per-field limits in characters, by the field's last name segment (`candidates[0].note` →
/// `note`). Services may be stricter for their own fields; this is the outer bound.
const LIMITS: &[(&str, usize)] = &[
    // Identifiers and short personal data.
    ("id_card_no", 30),
    ("phone", 30),
    ("staff_no", 30),
    ("ethnicity", 30),
    ("gender", 30),
    // Names of people, orgs, documents and searches.
    ("name", 100),
    ("display_name", 100),
    ("username", 100),
    ("person", 100),
    ("people", 500),
    ("raised_by", 100),
    ("title", 100),
    ("document", 100),
    ("q", 100),
    ("actor", 100),
    // Notes, minutes, reasons and bodies.
    ("note", 5000),
    ("details", 5000),
    ("notes", 5000),
    ("minutes", 10000),
    ("body", 10000),
    ("content", 10000),
    ("resolution", 5000),
    ("reason", 5000),
    ("justification", 5000),
    ("summary", 5000),
    ("description", 5000),
    ("materials", 5000),
];

/// What is wrong with a text value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// The value holds a NUL byte.
    Nul {
        /// Field path as sent (`name`, `candidates[0].note`).
        field: String,
    },
    /// The value is longer than the field's limit.
    TooLong {
        /// Field path as sent.
        field: String,
        /// The limit in characters.
        max: usize,
    },
}

impl TextError {
    /// The field path the error names.
    pub fn field(&self) -> &str {
        match self {
            TextError::Nul { field } | TextError::TooLong { field, .. } => field,
        }
    }
    /// A Chinese message for the field.
    pub fn message_zh(&self) -> String {
        match self {
            TextError::Nul { .. } => "内容含有不允许的空字符（NUL），请删除后重试".to_string(),
            TextError::TooLong { max, .. } => format!("内容过长：不能超过 {max} 个字"),
        }
    }
}

/// The last name segment of a field path, without list indices or numeric suffixes:
/// `candidates[0].note` → `note`, `vote[3][note]` → `note`, `note_12` → `note`.
pub fn leaf(field: &str) -> String {
    let last = field.rsplit(['.', '[', ']']).find(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()));
    let last = last.unwrap_or(field).to_ascii_lowercase();
    let trimmed = last.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(['_', '-']);
    if trimmed.is_empty() { last } else { trimmed.to_string() }
}

/// The limit of a field path.
pub fn max_chars(field: &str) -> usize {
    let leaf = leaf(field);
    LIMITS.iter().find(|(name, _)| *name == leaf).map_or(DEFAULT_MAX_CHARS, |(_, max)| *max)
}

/// Checks one value of a field against the policy.
pub fn check(field: &str, value: &str) -> Result<(), TextError> {
    if value.contains('\0') {
        return Err(TextError::Nul { field: field.to_string() });
    }
    let max = max_chars(field);
    // Byte length bounds the character count from above: most values skip the count.
    if value.len() > max && value.chars().count() > max {
        return Err(TextError::TooLong { field: field.to_string(), max });
    }
    Ok(())
}

/// Checks every string (and object key) inside a JSON value; `path` is the value's own path.
pub fn check_json(path: &str, v: &serde_json::Value) -> Result<(), TextError> {
    match v {
        serde_json::Value::String(s) => check(path, s),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, item)| check_json(&format!("{path}[{i}]"), item))
        }
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, item)| {
            let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if k.contains('\0') {
                return Err(TextError::Nul { field: p });
            }
            check_json(&p, item)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn leaves() {
        assert_eq!(leaf("name"), "name");
        assert_eq!(leaf("candidates[0].note"), "note");
        assert_eq!(leaf("vote[3][note]"), "note");
        assert_eq!(leaf("note_12"), "note");
        assert_eq!(leaf("people[2]"), "people");
        assert_eq!(leaf("42"), "42");
    }

    #[test]
    fn limits_at_the_boundary() {
        let max = max_chars("name");
        assert_eq!(max, 100);
        assert!(check("name", &"文".repeat(max)).is_ok());
        assert_eq!(check("name", &"文".repeat(max + 1)), Err(TextError::TooLong { field: "name".into(), max }));
        assert!(check("unknown_field", &"a".repeat(DEFAULT_MAX_CHARS)).is_ok());
        assert!(check("unknown_field", &"a".repeat(DEFAULT_MAX_CHARS + 1)).is_err());
        assert!(check("note", &"a".repeat(5000)).is_ok());
    }

    #[test]
    fn nul_is_refused_anywhere() {
        assert_eq!(check("q", "a\0b"), Err(TextError::Nul { field: "q".into() }));
        let v = serde_json::json!({"person": {"name": "张\u{0}三"}, "people": ["a", "b\u{0}"]});
        let e = check_json("", &v).unwrap_err();
        assert!(matches!(e.field(), "person.name" | "people[1]"), "{e:?}");
        let ok = serde_json::json!({"n": 1, "list": [true, null, "x"]});
        assert!(check_json("", &ok).is_ok());
        let key = serde_json::json!({"a\u{0}": 1});
        assert!(check_json("", &key).is_err());
    }
}
