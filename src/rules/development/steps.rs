//! The five stages and 25 steps of member development (RULES.md R1.1) and their prerequisites.

use super::RuleSet;
use crate::domain::enums::str_enum;

str_enum!(
    /// The five stages of R1.1; identifiers follow the GLOSSARY stage names.
    Stage {
        Applicant = "applicant" => "入党申请",
        Activist = "activist" => "入党积极分子的确定和培养教育",
        Candidate = "candidate" => "发展对象的确定和考察",
        Probationary = "probationary" => "预备党员的接收",
        Full = "full" => "预备党员的教育考察和转正",
    }
);

str_enum!(
    /// The 25 steps of R1.1, in flowchart order (steps 23 and 24 carry "（转正）" to tell them from 15 and 17).
    Step {
        Application = "application" => "递交入党申请书",
        Talk = "talk" => "党组织派人谈话",
        ActivistRecommendation = "activist_recommendation" => "推荐和确定入党积极分子",
        ActivistFiling = "activist_filing" => "上级党委备案",
        MentorAssignment = "mentor_assignment" => "指定培养联系人",
        ActivistEducation = "activist_education" => "培养教育考察",
        CandidateDetermination = "candidate_determination" => "确定发展对象",
        CandidateFiling = "candidate_filing" => "报上级党委备案",
        SponsorAssignment = "sponsor_assignment" => "确定入党介绍人",
        PoliticalReview = "political_review" => "进行政治审查",
        IntensiveTraining = "intensive_training" => "开展集中培训",
        CommitteeReview = "committee_review" => "支部委员会审查",
        PreReview = "pre_review" => "上级党委预审",
        ApplicationForm = "application_form" => "填写入党志愿书",
        AdmissionVote = "admission_vote" => "支部大会讨论",
        ApprovalTalk = "approval_talk" => "上级党委派人谈话",
        Approval = "approval" => "上级党委审批",
        ApprovalFiling = "approval_filing" => "再上一级党委组织部门备案",
        GroupAssignment = "group_assignment" => "编入党支部和党小组",
        Oath = "oath" => "入党宣誓",
        ProbationEducation = "probation_education" => "继续教育考察",
        ConversionApplication = "conversion_application" => "提出转正申请",
        ConversionVote = "conversion_vote" => "支部大会讨论（转正）",
        ConversionApproval = "conversion_approval" => "上级党委审批（转正）",
        Archive = "archive" => "材料归档",
    }
);

impl Step {
    /// The step's number in the flowchart, 1..=25.
    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    /// The step with this flowchart number.
    pub fn from_number(n: u32) -> Option<Step> {
        let i = usize::try_from(n.checked_sub(1)?).ok()?;
        Step::ALL.get(i).copied()
    }

    /// The stage the step belongs to (R1.1: steps 1–2, 3–6, 7–11, 12–18, 19–25).
    pub fn stage(self) -> Stage {
        match self.number() {
            1..=2 => Stage::Applicant,
            3..=6 => Stage::Activist,
            7..=11 => Stage::Candidate,
            12..=18 => Stage::Probationary,
            _ => Stage::Full,
        }
    }

    /// The label under a rule set: under the 2026 细则 step 8 is the higher committee's consent plus 公示 (R1.8).
    pub fn label_in(self, rules: RuleSet) -> &'static str {
        match (self, rules) {
            (Step::CandidateFiling, RuleSet::V2026) => "报上级党委同意并公示",
            _ => self.label(),
        }
    }

    /// Steps that must be recorded, on or before this step's date, before this step can be recorded.
    ///
    /// A dependency graph, not the flowchart's total order: e.g. 政审 and 集中培训 may run in
    /// parallel after the 发展对象 is determined. Steps 7 and 8 swap under the 2026 细则: the
    /// higher committee's consent and the 公示 (step 8) come before the listing (step 7).
    pub fn prerequisites(self, rules: RuleSet) -> &'static [Step] {
        use Step::*;
        match (self, rules) {
            (Application, _) => &[],
            (Talk, _) => &[Application],
            (ActivistRecommendation, _) => &[Talk],
            (ActivistFiling | MentorAssignment, _) => &[ActivistRecommendation],
            (ActivistEducation, _) => &[MentorAssignment],
            (CandidateDetermination, RuleSet::V2014) => &[ActivistFiling, ActivistEducation],
            (CandidateDetermination, RuleSet::V2026) => &[CandidateFiling],
            (CandidateFiling, RuleSet::V2014) => &[CandidateDetermination],
            (CandidateFiling, RuleSet::V2026) => &[ActivistFiling, ActivistEducation],
            (SponsorAssignment | PoliticalReview | IntensiveTraining, _) => &[CandidateDetermination],
            (CommitteeReview, _) => &[SponsorAssignment, PoliticalReview, IntensiveTraining],
            (PreReview, _) => &[CommitteeReview],
            (ApplicationForm, _) => &[PreReview],
            (AdmissionVote, _) => &[ApplicationForm],
            (ApprovalTalk, _) => &[AdmissionVote],
            (Approval, _) => &[ApprovalTalk],
            (ApprovalFiling | GroupAssignment | Oath | ConversionApplication, _) => &[Approval],
            (ProbationEducation, _) => &[GroupAssignment],
            (ConversionVote, _) => &[ConversionApplication],
            (ConversionApproval, _) => &[ConversionVote],
            (Archive, _) => &[ConversionApproval],
        }
    }
}
