//! The finding model shared by every rule check (RULES.md ids, severities, facts).

use chrono::NaiveDate;

pub mod committee;
pub mod development;
pub mod member;
pub mod member_edit;
pub mod penalty;
pub mod structure;

/// `subject_kind` of findings about a party organization.
pub const SUBJECT_ORG: &str = "org";
/// `subject_kind` of findings about a party member.
pub const SUBJECT_MEMBER: &str = "member";

/// How serious a finding is; sorts most serious first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 阻止: the record must not be saved.
    Block,
    /// 警告: a breach that needs action or a recorded justification.
    Warn,
    /// 提示: worth knowing; no action required.
    Info,
}

impl Severity {
    /// CSS class of the severity tag.
    pub fn as_class(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Info => "info",
        }
    }
    /// The Chinese label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Block => "阻止",
            Severity::Warn => "警告",
            Severity::Info => "提示",
        }
    }
}

/// One date or count behind a judgement (e.g. `actual`, `required`, `gap`, `field`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Fact {
    /// Machine-readable key, English snake_case.
    pub key: String,
    /// Chinese label shown to users.
    pub label: String,
    /// The value as displayed; dates as YYYY-MM-DD.
    pub value: String,
}

/// The outcome of one rule applied to one organization or member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Finding {
    /// RULES.md id, e.g. "R3.1".
    pub rule: String,
    /// How serious the finding is.
    pub severity: Severity,
    /// One sentence naming the subject, the actual and the required value.
    pub message_zh: String,
    /// The source article, e.g. "《中国共产党支部工作条例（试行）》第二章".
    pub source: String,
    /// "org" or "member".
    pub subject_kind: String,
    /// Id of the organization or member.
    pub subject_id: i64,
    /// Name of the organization or member.
    pub subject_name: String,
    /// The dates and counts behind the judgement: actual, required, gap.
    pub facts: Vec<Fact>,
}

impl Finding {
    /// Starts a finding without facts; add them with [`Finding::fact`].
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        source: impl Into<String>,
        subject_kind: impl Into<String>,
        subject_id: i64,
        subject_name: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.into(),
            severity,
            message_zh: message_zh.into(),
            source: source.into(),
            subject_kind: subject_kind.into(),
            subject_id,
            subject_name: subject_name.into(),
            facts: Vec::new(),
        }
    }

    /// Appends a fact; `value` is rendered with `Display` (so dates come out as YYYY-MM-DD).
    pub fn fact(mut self, key: impl Into<String>, label: impl Into<String>, value: impl std::fmt::Display) -> Self {
        self.facts.push(Fact { key: key.into(), label: label.into(), value: value.to_string() });
        self
    }

    /// The value of the first fact with this key.
    pub fn fact_value(&self, key: &str) -> Option<&str> {
        self.facts.iter().find(|f| f.key == key).map(|f| f.value.as_str())
    }

    /// Whether this finding blocks saving.
    pub fn is_block(&self) -> bool {
        self.severity == Severity::Block
    }
}

/// Whether any finding blocks saving.
pub fn has_block(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_block)
}

/// Day the 2026 《中国共产党发展党员工作细则》 took effect (RULES.md §0.1, C6).
pub fn development_rules_2026_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 11).unwrap_or(NaiveDate::MIN)
}

/// Cites a 2026 细则 article, or its 2014 counterpart for events before 2026-05-11 (C6, Appendix A).
pub fn development_rules_source(article_2026: u32, event: NaiveDate) -> String {
    if event < development_rules_2026_from() {
        // Appendix A: 2026§31 = 2014§32, 2026§32 = 2014§33; §5 is unchanged.
        let article_2014 = match article_2026 {
            31 => 32,
            32 => 33,
            n => n,
        };
        format!("《中国共产党发展党员工作细则》(2014) 第{}条", zh_number(article_2014))
    } else {
        format!("《中国共产党发展党员工作细则》(2026) 第{}条", zh_number(article_2026))
    }
}

/// Writes 1–99 in Chinese numerals as used in article numbers (十, 十一, 三十二); other values in Arabic digits.
pub fn zh_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 || n > 99 {
        return n.to_string();
    }
    let tens = (n / 10) as usize;
    let units = DIGITS.get((n % 10) as usize).copied().unwrap_or_default();
    match tens {
        0 => units.to_string(),
        1 => format!("十{units}"),
        t => format!("{}十{units}", DIGITS.get(t).copied().unwrap_or_default()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_labels() {
        assert!(Severity::Block < Severity::Warn && Severity::Warn < Severity::Info);
        assert_eq!(Severity::Warn.label(), "警告");
        assert_eq!(serde_json::to_string(&Severity::Block).unwrap(), "\"block\"");
    }

    #[test]
    fn builder_and_json() {
        let f = Finding::new("R3.1", Severity::Warn, "src", SUBJECT_ORG, 7, "某支部", "消息")
            .fact("actual", "正式党员人数", 2)
            .fact("on", "日期", NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(f.fact_value("actual"), Some("2"));
        assert_eq!(f.fact_value("on"), Some("2026-03-01"));
        assert_eq!(f.fact_value("missing"), None);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["severity"], "warn");
        assert_eq!(v["subject_kind"], "org");
        assert_eq!(v["facts"][0]["label"], "正式党员人数");
        assert!(!has_block(&[f]));
    }

    #[test]
    fn chinese_numbers() {
        let cases = [
            (1, "一"),
            (5, "五"),
            (10, "十"),
            (11, "十一"),
            (23, "二十三"),
            (30, "三十"),
            (31, "三十一"),
            (99, "九十九"),
            (100, "100"),
        ];
        for (n, s) in cases {
            assert_eq!(zh_number(n), s);
        }
    }

    #[test]
    fn sources_follow_effective_date() {
        let before = NaiveDate::from_ymd_opt(2026, 5, 10).unwrap();
        let on = NaiveDate::from_ymd_opt(2026, 5, 11).unwrap();
        assert_eq!(development_rules_source(31, on), "《中国共产党发展党员工作细则》(2026) 第三十一条");
        assert_eq!(development_rules_source(31, before), "《中国共产党发展党员工作细则》(2014) 第三十二条");
        assert_eq!(development_rules_source(32, before), "《中国共产党发展党员工作细则》(2014) 第三十三条");
        assert_eq!(development_rules_source(5, before), "《中国共产党发展党员工作细则》(2014) 第五条");
    }
}
