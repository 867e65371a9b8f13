//! What is due next in a case: the next step(s), the earliest legal date and the latest date.

use chrono::NaiveDate;

use super::candidate::{activist_earliest, sorted_periods};
use super::{
    ASSESSMENT_MONTHS, BRANCH_MEETING_WITHIN_MONTHS, CONVERSION_APPROVAL_MONTHS, CaseFacts, DevelopmentSettings,
    OATH_WITHIN_MONTHS, PUBLICITY_MIN_WORKDAYS, RuleSet, Step, TALK_WITHIN_MONTHS,
};
use crate::calendar::fmt_date;
use crate::workdays::WorkCalendar;

/// One step that can be recorded next, with its window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Due {
    /// The step.
    pub step: Step,
    /// Earliest legal date, if any rule or prerequisite bounds it.
    pub earliest: Option<NaiveDate>,
    /// Latest date before a rule is breached (the warning limit for soft rules).
    pub latest: Option<NaiveDate>,
    /// `today` is after `latest`.
    pub overdue: bool,
    /// RULES.md id of the rule giving the window ("R1.1" = prerequisites only).
    pub rule: String,
    /// What to do, in Chinese, with the dates.
    pub note_zh: String,
}

/// The steps whose prerequisites are all recorded and that are not yet recorded, in step order, with their windows.
///
/// Uses the rule set of `today` (every future event falls on or after it). While the person is an
/// activist (step 3 recorded, step 7 not), step 6 carries the next half-yearly assessment (R1.7).
/// A case with no step recorded is due its application.
pub fn next_steps(facts: &CaseFacts, today: NaiveDate, settings: &DevelopmentSettings, cal: &WorkCalendar) -> Vec<Due> {
    let rules = RuleSet::for_date(today);
    let activist_stage =
        facts.date(Step::ActivistRecommendation).is_some() && facts.date(Step::CandidateDetermination).is_none();
    let mut out = Vec::new();
    for &step in Step::ALL {
        let open = (facts.date(step).is_none() && step.prerequisites(rules).iter().all(|p| facts.date(*p).is_some()))
            || (step == Step::ActivistEducation && activist_stage);
        // A cancelled probation (R1.24 c) ends the case at its approval: nothing to archive here.
        let cancelled =
            facts.conversion_decision.is_some_and(|d| d.outcome == super::ProbationOutcome::ProbationCancelled);
        if !open || (step == Step::Archive && cancelled) {
            continue;
        }
        let after = step.prerequisites(rules).iter().filter_map(|p| facts.date(*p)).max();
        let w = window(facts, step, rules, after, settings, cal);
        out.push(Due {
            step,
            earliest: w.earliest,
            latest: w.latest,
            overdue: w.latest.is_some_and(|l| today > l),
            rule: w.rule.to_string(),
            // A deadline in a year without an entered holiday arrangement says so.
            note_zh: cal.with_coverage_note(w.note, w.earliest.into_iter().chain(w.latest)),
        });
    }
    out
}

/// The window of one open step.
struct Window {
    /// Earliest legal date.
    earliest: Option<NaiveDate>,
    /// Latest date.
    latest: Option<NaiveDate>,
    /// Rule id.
    rule: &'static str,
    /// Chinese note.
    note: String,
}

/// `Some(date)` formatted, or "—".
fn show(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), fmt_date)
}

/// Computes the window of `step`; `after` is the latest prerequisite date.
fn window(
    f: &CaseFacts,
    step: Step,
    rules: RuleSet,
    after: Option<NaiveDate>,
    s: &DevelopmentSettings,
    cal: &WorkCalendar,
) -> Window {
    let plain = |note: String| Window { earliest: after, latest: None, rule: "R1.1", note };
    let label = step.label_in(rules);
    let periods = sorted_periods(f);
    let activist = || activist_earliest(&periods, s.activist_min_months, s).map(|(_, earliest, _)| earliest);
    let later = |a: Option<NaiveDate>, b: Option<NaiveDate>| a.max(b);
    match step {
        Step::Application => plain("登记入党申请书及递交日期（年满十八岁方可申请）".to_string()),
        Step::Talk => {
            let latest = f.date(Step::Application).map(|d| s.period_max(d, TALK_WITHIN_MONTHS));
            Window {
                earliest: after,
                latest,
                rule: "R1.4",
                note: format!("收到入党申请书后一个月内派人谈话，最晚 {}", show(latest)),
            }
        }
        Step::ActivistEducation => {
            let start = periods.first().map(|p| p.start);
            let last = f.activist_assessments.iter().copied().filter(|d| start.is_none_or(|s0| *d >= s0)).max();
            let latest = later(start, last).map(|d| s.period_max(d, ASSESSMENT_MONTHS));
            Window {
                earliest: after,
                latest,
                rule: "R1.7",
                note: format!(
                    "党支部每半年对入党积极分子考察一次：上次考察或起算日 {}，下次最晚 {}",
                    show(later(start, last)),
                    show(latest)
                ),
            }
        }
        Step::CandidateFiling if rules == RuleSet::V2026 => {
            let earliest = later(after, activist());
            Window {
                earliest,
                latest: None,
                rule: "R1.8",
                note: format!(
                    "培养教育考察满 {} 个月后（{} 起），支委会研究讨论并报上级党委同意，再公示不少于 {PUBLICITY_MIN_WORKDAYS} 个工作日",
                    s.activist_min_months,
                    show(earliest)
                ),
            }
        }
        Step::CandidateDetermination => {
            let mut earliest = later(after, activist());
            if rules == RuleSet::V2026 {
                let publicity_done = match f.publicity {
                    Some(p) => Some(p.end),
                    None => f.date(Step::CandidateFiling).map(|c| cal.add_workdays(c, PUBLICITY_MIN_WORKDAYS)),
                };
                let listing = publicity_done
                    .map(|d| if s.publicity_listing_after_last_day { d.succ_opt().unwrap_or(d) } else { d });
                earliest = later(earliest, listing);
            }
            let note = if rules == RuleSet::V2026 {
                format!("上级党委同意并公示期满、公示结果不影响发展入党的，{} 起可列为发展对象", show(earliest))
            } else {
                format!("培养教育考察满 {} 个月后，{} 起可确定为发展对象", s.activist_min_months, show(earliest))
            };
            Window { earliest, latest: None, rule: "R1.8", note }
        }
        Step::AdmissionVote if rules == RuleSet::V2026 => {
            let latest = f.date(Step::PreReview).map(|d| s.period_max(d, BRANCH_MEETING_WITHIN_MONTHS));
            Window {
                earliest: after,
                latest,
                rule: "R1.14",
                note: format!("预审合格后一个月内提交党支部党员大会讨论，最晚 {}", show(latest)),
            }
        }
        Step::ApprovalTalk | Step::Approval => {
            let vote = f.date(Step::AdmissionVote);
            let latest = vote.map(|d| s.period_max(d, s.approval_warn_months));
            let max = vote.map(|d| s.period_max(d, s.approval_max_months));
            let (rule, what) = if step == Step::Approval {
                ("R1.21", "党委审批")
            } else {
                ("R1.20", "党委审批前派党委委员或组织员谈话；审批")
            };
            Window {
                earliest: after,
                latest,
                rule,
                note: format!(
                    "{what}应在支部大会后 {} 个月内（最晚 {}），特殊情况最长不超过 {}",
                    s.approval_warn_months,
                    show(latest),
                    show(max)
                ),
            }
        }
        Step::Oath if rules == RuleSet::V2026 => {
            let latest = f.date(Step::Approval).map(|d| s.period_max(d, OATH_WITHIN_MONTHS));
            Window {
                earliest: after,
                latest,
                rule: "R1.22",
                note: format!("入党宣誓一般在批复同意后一个月内进行，最晚 {}", show(latest)),
            }
        }
        Step::ConversionApplication => {
            let end = f.probation_end(s);
            Window {
                earliest: after,
                latest: end,
                rule: "R1.25",
                note: format!("预备期满（{}）前提出书面转正申请", show(end)),
            }
        }
        Step::ConversionVote => {
            if let Some((end, limit)) = super::postponement_window(f, rules, s) {
                return Window {
                    earliest: later(after, Some(end)),
                    latest: Some(limit),
                    rule: "R1.27",
                    note: format!(
                        "转入的预备党员：预备期满日 {} 起讨论能否转正，接收党支部推迟讨论最长不超过预备期满后 {} 个月（最晚 {}），转正时间仍为 {}",
                        fmt_date(end),
                        super::TRANSFER_IN_POSTPONE_MONTHS,
                        fmt_date(limit),
                        fmt_date(end)
                    ),
                };
            }
            let end = f.probation_end(s);
            Window {
                earliest: later(after, end),
                latest: None,
                rule: "R1.25",
                note: format!("预备期满日 {} 起党支部应及时讨论能否转正，不能提前转正", show(end)),
            }
        }
        Step::ConversionApproval => {
            let latest = f.date(Step::ConversionVote).map(|d| s.period_max(d, CONVERSION_APPROVAL_MONTHS));
            Window {
                earliest: after,
                latest,
                rule: "R1.26",
                note: format!("党委应在三个月内审批转正决议，最晚 {}", show(latest)),
            }
        }
        _ => plain(format!("可登记「{label}」（{} 之后）", show(after))),
    }
}
