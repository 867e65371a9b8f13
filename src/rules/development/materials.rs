//! The materials expected at each step of a development case (记实 of R1.1 steps).
//!
//! Items taken from the rule book carry its rule id: R1.28 (what is archived after conversion) and
//! R1.18 (what the branch sends up with the 党员大会 resolution); the rest is common practice of
//! university 党委 (PRACTICE) and may be ignored by a branch that keeps them differently.

use super::Step;

/// One material expected at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ExpectedMaterial {
    /// Chinese name of the material, e.g. 入党申请书.
    pub name: &'static str,
    /// Where the expectation comes from: a RULES.md id ("R1.28") or "PRACTICE".
    pub source: &'static str,
}

macro_rules! m {
    ($name:expr, $source:expr) => {
        ExpectedMaterial { name: $name, source: $source }
    };
}

/// Source label of items that are usual practice rather than a quoted rule.
pub const PRACTICE: &str = "PRACTICE";

/// The materials expected at `step` (possibly none).
pub fn expected(step: Step) -> &'static [ExpectedMaterial] {
    use Step::*;
    match step {
        Application => &[m!("入党申请书", "R1.28")],
        Talk => &[m!("谈话记录", PRACTICE)],
        ActivistRecommendation => &[m!("推荐材料", PRACTICE), m!("支委会会议记录", PRACTICE)],
        ActivistFiling => &[m!("备案材料", PRACTICE)],
        MentorAssignment => &[],
        ActivistEducation => &[m!("入党积极分子培养考察登记表", "R1.28")],
        CandidateDetermination => &[m!("支委会会议记录", PRACTICE), m!("征求意见材料", PRACTICE)],
        CandidateFiling => &[m!("备案材料", PRACTICE)],
        SponsorAssignment => &[],
        PoliticalReview => &[m!("政审材料", "R1.28")],
        IntensiveTraining => &[m!("培训结业证明", PRACTICE)],
        CommitteeReview => &[m!("支委会审查意见", PRACTICE)],
        PreReview => &[m!("预审意见", "R1.13")],
        ApplicationForm => &[m!("入党志愿书", "R1.28")],
        AdmissionVote => &[m!("支部大会会议记录", "R1.18")],
        ApprovalTalk => &[m!("谈话记录", PRACTICE)],
        Approval => &[m!("党委审批意见", PRACTICE)],
        ApprovalFiling => &[m!("备案材料", PRACTICE)],
        GroupAssignment | Oath => &[],
        ProbationEducation => &[m!("预备党员教育考察登记表", "R1.28")],
        ConversionApplication => &[m!("转正申请书", "R1.28")],
        ConversionVote => &[m!("支部大会会议记录", PRACTICE)],
        ConversionApproval => &[m!("党委审批意见", PRACTICE)],
        Archive => &[],
    }
}

/// Whether the expected item `item` of `step` is covered by materials recorded under the names
/// `recorded` (the names given at upload). A step expecting a single item is covered by any
/// material recorded for it; otherwise the names must match (ignoring surrounding spaces).
pub fn covered(step: Step, item: &str, recorded: &[&str]) -> bool {
    let exp = expected(step);
    if exp.len() == 1 && exp[0].name == item {
        return !recorded.is_empty();
    }
    recorded.iter().any(|r| r.trim() == item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_r1_28_archive_item_is_expected_somewhere() {
        let all: Vec<&str> = Step::ALL.iter().flat_map(|s| expected(*s).iter().map(|m| m.name)).collect();
        for name in [
            "入党志愿书",
            "入党申请书",
            "入党积极分子培养考察登记表",
            "政审材料",
            "预备党员教育考察登记表",
            "转正申请书",
        ] {
            assert!(all.contains(&name), "{name}");
        }
        let r128 = Step::ALL.iter().flat_map(|s| expected(*s)).filter(|m| m.source == "R1.28").count();
        assert_eq!(r128, 6);
    }

    #[test]
    fn named_steps() {
        assert_eq!(expected(Step::Application)[0].name, "入党申请书");
        assert_eq!(expected(Step::Talk)[0].source, PRACTICE);
        assert_eq!(expected(Step::PoliticalReview)[0].name, "政审材料");
        assert_eq!(expected(Step::ConversionApplication)[0].name, "转正申请书");
        assert!(expected(Step::Oath).is_empty());
    }

    #[test]
    fn coverage_single_and_multiple() {
        assert!(covered(Step::Application, "入党申请书", &["申请书扫描件"]));
        assert!(!covered(Step::Application, "入党申请书", &[]));
        assert!(covered(Step::ActivistRecommendation, "推荐材料", &[" 推荐材料 "]));
        assert!(!covered(Step::ActivistRecommendation, "支委会会议记录", &["推荐材料"]));
    }
}
