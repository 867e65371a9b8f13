//! The end of probation (R1.24–R1.26) and the archive (R1.28): what the 党员大会 decides when
//! probation expires, and the checklist that must be complete before a case is closed.

use super::checks::Ctx;
use super::{EXTENSION_MONTHS, Step, source};
use crate::calendar::fmt_date;
use crate::domain::enums::str_enum;
use crate::rules::{Finding, Severity};

str_enum!(
    /// What the branch meeting decides at the end of probation (R1.24); GLOSSARY ids.
    ProbationOutcome {
        Conversion = "conversion" => "按期转正",
        ProbationExtension = "probation_extension" => "延长预备期",
        ProbationCancelled = "probation_cancelled" => "取消预备党员资格",
    }
);

/// The decision of a conversion vote (R1.24): the outcome and, for an extension, its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversionDecision {
    /// The outcome put to the vote.
    pub outcome: ProbationOutcome,
    /// Months of the extension (R1.24: 6–12), only for [`ProbationOutcome::ProbationExtension`].
    pub extension_months: Option<u32>,
}

impl ConversionDecision {
    /// The default decision: conversion on time.
    pub const CONVERSION: ConversionDecision =
        ConversionDecision { outcome: ProbationOutcome::Conversion, extension_months: None };
}

str_enum!(
    /// The state of one item of the archive checklist (R1.28; 2026: electronic archiving where possible).
    ArchiveStatus {
        Missing = "missing" => "未归档",
        Filed = "filed" => "已归入档案",
        Electronic = "electronic" => "已电子归档",
    }
);

/// The materials handed to the 党委 for the personal file after conversion (R1.28, 2026§36).
pub const ARCHIVE_ITEMS: &[&str] =
    &["入党志愿书", "入党申请书", "入党积极分子培养考察登记表", "政审材料", "预备党员教育考察登记表", "转正申请书"];

/// The checklist items not yet archived, in [`ARCHIVE_ITEMS`] order; `status_of` gives an item's state.
pub fn archive_missing(status_of: impl Fn(&str) -> ArchiveStatus) -> Vec<String> {
    ARCHIVE_ITEMS.iter().filter(|i| status_of(i) == ArchiveStatus::Missing).map(|i| (*i).to_string()).collect()
}

impl Ctx<'_> {
    /// R1.24: an extension is decided once, for 6–12 months; conversion and extension are decided
    /// when probation ends (R1.23/R1.25), cancellation may be decided earlier.
    pub(super) fn conversion_decision(&self, out: &mut Vec<Finding>) {
        let d = self.f.conversion_decision.unwrap_or(ConversionDecision::CONVERSION);
        if d.outcome != ProbationOutcome::ProbationCancelled {
            self.no_early_conversion(out);
        }
        if d.outcome != ProbationOutcome::ProbationExtension {
            return;
        }
        let src = || source(31, self.on);
        let (min, max) = EXTENSION_MONTHS;
        match d.extension_months {
            None => out.push(
                self.finding(
                    "R1.24",
                    Severity::Block,
                    src(),
                    format!("{}延长预备期须写明延长的月数（不少于半年，最长不超过一年）", self.who()),
                )
                .fact("field", "字段", "extension_months")
                .fact("actual", "延长月数", "未填写")
                .fact("required", "要求月数", format!("{min}–{max}")),
            ),
            Some(m) if !(min..=max).contains(&m) => out.push(
                self.finding(
                    "R1.24",
                    Severity::Block,
                    src(),
                    format!("{}的预备期拟延长 {m} 个月；延长时间不能少于半年，最长不超过一年", self.who()),
                )
                .fact("field", "字段", "extension_months")
                .fact("actual", "延长月数", m)
                .fact("required", "要求月数", format!("{min}–{max}"))
                .fact("gap", "相差月数", if m < min { min - m } else { m - max }),
            ),
            Some(_) => {}
        }
        if let Some(&before) = self.f.probation_extensions.first() {
            out.push(
                self.finding(
                    "R1.24",
                    Severity::Block,
                    src(),
                    format!("{}的预备期已延长过一次（{before} 个月），预备期只能延长一次", self.who()),
                )
                .fact("field", "字段", "outcome")
                .fact("actual", "已延长次数", self.f.probation_extensions.len())
                .fact("required", "最多延长次数", 1),
            );
        }
    }

    /// R1.28: every checklist item archived before the case is closed.
    pub(super) fn archive_complete(&self, out: &mut Vec<Finding>) {
        if self.f.archive_missing.is_empty() {
            return;
        }
        let missing = self.f.archive_missing.join("、");
        let message = format!(
            "{}的材料归档清单尚未完成（缺：{missing}），{} 不能办结；转正后须将入党志愿书等材料交党委归入本人档案",
            self.who(),
            fmt_date(self.on)
        );
        out.push(
            self.finding("R1.28", Severity::Block, source(36, self.on), message)
                .fact("field", "字段", "archive")
                .fact("step", "步骤", Step::Archive.as_str())
                .fact("actual", "未归档材料", missing)
                .fact("required", "须归档材料", ARCHIVE_ITEMS.join("、"))
                .fact("gap", "缺少份数", self.f.archive_missing.len()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_missing_lists_items_in_order() {
        let all = archive_missing(|_| ArchiveStatus::Missing);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], "入党志愿书");
        let one = archive_missing(|i| if i == "政审材料" { ArchiveStatus::Missing } else { ArchiveStatus::Filed });
        assert_eq!(one, vec!["政审材料".to_string()]);
        assert!(archive_missing(|_| ArchiveStatus::Electronic).is_empty());
    }

    #[test]
    fn outcome_ids_follow_the_glossary() {
        assert_eq!(ProbationOutcome::parse("probation_extension"), Some(ProbationOutcome::ProbationExtension));
        assert_eq!(ProbationOutcome::ProbationCancelled.label(), "取消预备党员资格");
        assert_eq!(ArchiveStatus::parse("filed"), Some(ArchiveStatus::Filed));
    }
}
