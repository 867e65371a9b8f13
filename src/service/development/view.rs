//! A stored step as the case page and the API show it: label, computed vote result, the
//! voters not counted and the decision of a conversion vote.

use super::{
    ExclusionReason, ProbationOutcome, RuleSet, Step, StepDetails, StepRow, StepView, VoteOutcome, vote_result,
};

/// The decision of a conversion vote in words (R1.24); `None` for other steps.
pub fn decision_text(d: &StepDetails) -> Option<String> {
    d.vote?;
    let outcome = d.outcome?;
    Some(match (outcome, d.extension_months) {
        (ProbationOutcome::ProbationExtension, Some(m)) => format!("{} {m} 个月", outcome.label()),
        _ => outcome.label().to_string(),
    })
}

/// The view of one stored step.
pub(super) fn view(row: StepRow) -> StepView {
    let step = Step::parse(&row.step);
    // The result stored when the vote was recorded (C3 of that day); older rows are recomputed.
    let stored = row.body["vote_outcome"].as_str().and_then(VoteOutcome::parse);
    let vote_outcome = match step {
        Some(Step::AdmissionVote | Step::ConversionVote) => stored.or_else(|| {
            serde_json::from_value::<StepDetails>(row.body.clone())
                .ok()
                .and_then(|d| d.vote)
                .and_then(|v| vote_result(&v).ok())
        }),
        _ => None,
    };
    let vote = matches!(step, Some(Step::AdmissionVote | Step::ConversionVote));
    let eligible_voters = if vote {
        serde_json::from_value::<StepDetails>(row.body.clone()).ok().and_then(|d| d.vote).map(|v| v.eligible_voters)
    } else {
        None
    };
    let excluded = row.body["excluded"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let reason = e["reason"].as_str().and_then(ExclusionReason::parse).map_or("", |r| r.label());
                    format!("{}（{reason}）", e["name"].as_str().unwrap_or(""))
                })
                .collect()
        })
        .unwrap_or_default();
    let decision = if step == Some(Step::ConversionVote) {
        serde_json::from_value::<StepDetails>(row.body.clone()).ok().and_then(|d| {
            decision_text(&StepDetails { outcome: Some(d.outcome.unwrap_or(ProbationOutcome::Conversion)), ..d })
        })
    } else {
        None
    };
    StepView {
        decision,
        eligible_voters,
        excluded,
        number: step.map_or(0, Step::number),
        label: step.map_or_else(|| row.step.clone(), |s| s.label_in(RuleSet::for_date(row.done_on)).to_string()),
        vote_outcome,
        row,
    }
}
