//! The checks run when a step of a case is recorded (issue 3 §2): hard blocks and soft warnings.

use chrono::NaiveDate;

use super::{
    BRANCH_MEETING_WITHIN_MONTHS, CONVERSION_APPROVAL_MONTHS, CaseFacts, DevelopmentSettings, EXTENSION_MONTHS,
    MIN_AGE, OATH_WITHIN_MONTHS, RuleSet, SUBJECT_CASE, Step, TALK_WITHIN_MONTHS, VoteInput, VoteOutcome, source,
    vote_result_with,
};
use crate::calendar::{add_years, age_on, days_between, fmt_date};
use crate::domain::OrgKind;
use crate::rules::{Fact, Finding, Severity};
use crate::workdays::WorkCalendar;

/// Rule id of plain data-consistency checks.
const RULE_DATA: &str = "DATA";
/// Source of plain data-consistency checks.
const SRC_DATA: &str = "数据校验";
/// Source of the step order (R1.1).
const SRC_FLOW: &str = "发展党员工作流程（5个阶段25个步骤）";

/// Runs every check that applies to recording `step` on `event_date`, under the rule set of that date.
///
/// `today` is the date of the check (no event may lie after it). Warnings whose rule id has a
/// justified entry in `facts.overrides` for this step and round are returned as Info with the
/// reason in an `override` fact.
/// Every finding carries a `field` fact: `event_date`, `step` (a missing prerequisite) or the
/// name of the [`CaseFacts`] field it concerns.
pub fn check_step(
    facts: &CaseFacts,
    step: Step,
    event_date: NaiveDate,
    today: NaiveDate,
    settings: &DevelopmentSettings,
    cal: &WorkCalendar,
) -> Vec<Finding> {
    let cx = Ctx { f: facts, step, on: event_date, rules: RuleSet::for_date(event_date), s: settings, cal };
    let mut out = Vec::new();
    cx.not_in_future(today, &mut out);
    cx.order(&mut out);
    cx.open_objections(&mut out);
    match step {
        Step::Application => cx.age(&mut out),
        Step::Talk => cx.talk(&mut out),
        Step::MentorAssignment => cx.mentors(&mut out),
        Step::CandidateFiling if cx.rules == RuleSet::V2026 => cx.activist_year(&mut out),
        Step::CandidateDetermination => {
            cx.activist_year(&mut out);
            cx.assessments(&mut out);
            if cx.rules == RuleSet::V2026 {
                cx.publicity(&mut out);
            }
        }
        Step::SponsorAssignment => cx.sponsors(&mut out),
        Step::IntensiveTraining => cx.training(&mut out),
        Step::PreReview => cx.leaving(event_date, &mut out),
        Step::AdmissionVote => {
            cx.sponsors(&mut out);
            cx.political_review(&mut out);
            cx.training(&mut out);
            if let Some(pre) = facts.date(Step::PreReview) {
                cx.leaving(pre, &mut out);
                if cx.rules == RuleSet::V2026 {
                    cx.within(pre, BRANCH_MEETING_WITHIN_MONTHS, "R1.14", 19, Step::PreReview, &mut out);
                }
            }
            cx.vote(facts.admission_vote.as_ref(), "admission_vote", &mut out);
        }
        Step::Approval => {
            cx.approver(facts.approving_org_kind, "approving_org_kind", "R1.19", 22, &mut out);
            cx.approval_window(&mut out);
        }
        Step::Oath => {
            if let (RuleSet::V2026, Some(approval)) = (cx.rules, facts.date(Step::Approval)) {
                cx.within(approval, OATH_WITHIN_MONTHS, "R1.22", 29, Step::Approval, &mut out);
            }
        }
        Step::ConversionVote => {
            cx.extensions(&mut out);
            cx.conversion_decision(&mut out);
            cx.transfer_in_postponement(&mut out);
            cx.vote(facts.conversion_vote.as_ref(), "conversion_vote", &mut out);
        }
        Step::ConversionApproval => {
            cx.approver(facts.conversion_approving_org_kind, "conversion_approving_org_kind", "R1.25", 32, &mut out);
            if let Some(vote) = facts.date(Step::ConversionVote) {
                cx.within(vote, CONVERSION_APPROVAL_MONTHS, "R1.26", 33, Step::ConversionVote, &mut out);
            }
        }
        Step::Archive => cx.archive_complete(&mut out),
        _ => {}
    }
    apply_overrides(facts, step, &mut out);
    out
}

/// C5: a warning with a justified override of the same rule, given for this step in this round,
/// becomes Info and keeps the justification (a justification covers one decision).
fn apply_overrides(facts: &CaseFacts, step: Step, out: &mut [Finding]) {
    let round = facts.round(step);
    for finding in out.iter_mut().filter(|x| x.severity == Severity::Warn) {
        let justified = facts
            .overrides
            .iter()
            .find(|o| o.rule == finding.rule && o.step == step && o.round == round && !o.reason.trim().is_empty());
        if let Some(o) = justified {
            finding.severity = Severity::Info;
            finding
                .facts
                .push(Fact { key: "override".into(), label: "特殊情况说明".into(), value: o.reason.clone() });
            finding.facts.push(Fact {
                key: "override_step".into(),
                label: "说明所针对的步骤".into(),
                value: override_step_label(step, round),
            });
        }
    }
}

/// "第23步「支部大会讨论」（第2轮）": the step record a justification was given for.
pub fn override_step_label(step: Step, round: u32) -> String {
    let round = if round > 0 { format!("（第{}轮）", round + 1) } else { String::new() };
    format!("第{}步「{}」{round}", step.number(), step.label())
}

/// The case, the step and the date being judged.
pub(super) struct Ctx<'a> {
    /// The case.
    pub(super) f: &'a CaseFacts,
    /// The step being recorded.
    pub(super) step: Step,
    /// The step's date.
    pub(super) on: NaiveDate,
    /// The rule set of `on`.
    pub(super) rules: RuleSet,
    /// Settings.
    pub(super) s: &'a DevelopmentSettings,
    /// Working days.
    pub(super) cal: &'a WorkCalendar,
}

impl Ctx<'_> {
    /// Starts a finding about this case.
    pub(super) fn finding(&self, rule: &str, severity: Severity, source: String, message: String) -> Finding {
        Finding::new(rule, severity, source, SUBJECT_CASE, self.f.case_id, self.f.name.as_str(), message)
    }

    /// A finding about the event date: `field`, `actual` (the date), `required` and `gap` (days).
    pub(super) fn dated(
        &self,
        rule: &str,
        severity: Severity,
        source: String,
        message: String,
        required: NaiveDate,
    ) -> Finding {
        self.finding(rule, severity, source, message)
            .fact("field", "字段", "event_date")
            .fact("step", "步骤", self.step.as_str())
            .fact("actual", format!("{}日期", self.step.label_in(self.rules)), fmt_date(self.on))
            .fact("required", "要求日期", fmt_date(required))
            .fact("gap", "相差天数", days_between(self.on, required).abs())
    }

    /// "「name」" for messages.
    pub(super) fn who(&self) -> String {
        format!("「{}」", self.f.name)
    }

    /// DATA: no event after today.
    fn not_in_future(&self, today: NaiveDate, out: &mut Vec<Finding>) {
        if self.on > today {
            let message = format!(
                "{}「{}」的日期 {} 晚于今天 {}，不能登记尚未发生的步骤",
                self.who(),
                self.step.label_in(self.rules),
                fmt_date(self.on),
                fmt_date(today)
            );
            out.push(self.dated(RULE_DATA, Severity::Block, SRC_DATA.to_string(), message, today));
        }
    }

    /// R1.1 (R1.20, R1.8 where a specific rule names the prerequisite): prerequisites recorded, dates in order.
    fn order(&self, out: &mut Vec<Finding>) {
        let label = self.step.label_in(self.rules);
        for &p in self.step.prerequisites(self.rules) {
            let (rule, src) = match (self.step, p, self.rules) {
                (Step::Approval, Step::ApprovalTalk, _) => ("R1.20", source(23, self.on)),
                (Step::CandidateDetermination, Step::CandidateFiling, RuleSet::V2026) => ("R1.8", source(13, self.on)),
                (_, Step::ActivistFiling, _) => ("R1.5", source(8, self.on)),
                _ => ("R1.1", SRC_FLOW.to_string()),
            };
            let p_label = p.label_in(self.rules);
            match self.f.date(p) {
                None => out.push(
                    self.finding(
                        rule,
                        Severity::Block,
                        src,
                        format!(
                            "{}尚未登记第{}步「{p_label}」，不能登记第{}步「{label}」{}",
                            self.who(),
                            p.number(),
                            self.step.number(),
                            if rule == "R1.5" {
                                "；确定入党积极分子后须报上级党委备案，备案后方可进入发展对象阶段"
                            } else {
                                ""
                            }
                        ),
                    )
                    .fact("field", "字段", "step")
                    .fact("step", "步骤", self.step.as_str())
                    .fact("missing_step", "缺少的步骤", p.as_str())
                    .fact("actual", "已登记", "未登记")
                    .fact("required", "须先完成", p_label),
                ),
                Some(d) if d > self.on => {
                    let message = format!(
                        "{}第{}步「{label}」的日期 {} 早于第{}步「{p_label}」的日期 {}，步骤顺序颠倒",
                        self.who(),
                        self.step.number(),
                        fmt_date(self.on),
                        p.number(),
                        fmt_date(d)
                    );
                    out.push(self.dated(rule, Severity::Block, src, message, d).fact(
                        "prerequisite",
                        p_label,
                        fmt_date(d),
                    ));
                }
                Some(_) => {}
            }
        }
        for (&later, &d) in &self.f.steps {
            if later != self.step && d < self.on && later.prerequisites(RuleSet::for_date(d)).contains(&self.step) {
                let message = format!(
                    "{}第{}步「{label}」的日期 {} 晚于已登记的后续步骤「{}」的日期 {}，步骤顺序颠倒",
                    self.who(),
                    self.step.number(),
                    fmt_date(self.on),
                    later.label_in(RuleSet::for_date(d)),
                    fmt_date(d)
                );
                out.push(self.dated("R1.1", Severity::Block, SRC_FLOW.to_string(), message, d).fact(
                    "later_step",
                    later.label(),
                    fmt_date(d),
                ));
            }
        }
    }

    /// R1.2: 年满十八岁 on the application date.
    fn age(&self, out: &mut Vec<Finding>) {
        let birthday = add_years(self.f.birth_date, MIN_AGE);
        let adult_on = if self.s.age_on_birthday { birthday } else { birthday.succ_opt().unwrap_or(birthday) };
        if self.on < adult_on {
            let message = format!(
                "{}递交入党申请书的日期 {} 时未满 {MIN_AGE} 周岁（出生日期 {}，{} 起方可申请），年满十八岁方可申请入党",
                self.who(),
                fmt_date(self.on),
                fmt_date(self.f.birth_date),
                fmt_date(adult_on)
            );
            out.push(
                self.dated("R1.2", Severity::Block, source(5, self.on), message, adult_on)
                    .fact("related_field", "相关字段", "birth_date")
                    .fact("birth_date", "出生日期", fmt_date(self.f.birth_date))
                    .fact("age", "申请时周岁", age_on(self.f.birth_date, self.on)),
            );
        }
    }

    /// R1.4: a talk within one month of the application.
    fn talk(&self, out: &mut Vec<Finding>) {
        if let Some(app) = self.f.date(Step::Application) {
            self.within(app, TALK_WITHIN_MONTHS, "R1.4", 7, Step::Application, out);
        }
    }

    /// A warning if the event lies more than `months` after the `anchor` step's date (R1.4, R1.14, R1.22, R1.26).
    fn within(&self, anchor: NaiveDate, months: i32, rule: &str, article: u32, from: Step, out: &mut Vec<Finding>) {
        let latest = self.s.period_max(anchor, months);
        if self.on > latest {
            let message = format!(
                "{}「{}」的日期 {} 晚于「{}」（{}）后 {months} 个月的期限 {}，超出 {} 天；{}",
                self.who(),
                self.step.label_in(self.rules),
                fmt_date(self.on),
                from.label_in(RuleSet::for_date(anchor)),
                fmt_date(anchor),
                fmt_date(latest),
                days_between(latest, self.on),
                match rule {
                    "R1.4" => "党组织应在收到入党申请书后一个月内派人谈话",
                    "R1.14" => "预审合格的发展对象应在一个月内提交党支部党员大会讨论",
                    "R1.22" => "入党宣誓仪式一般在批复同意接收预备党员后一个月内进行",
                    _ => "党委应在三个月内审批预备党员转正的决议",
                }
            );
            out.push(self.dated(rule, Severity::Warn, source(article, self.on), message, latest).fact(
                "from",
                from.label(),
                fmt_date(anchor),
            ));
        }
    }

    /// R1.11: a written 政审 conclusion of 合格, dated on or before the branch meeting.
    fn political_review(&self, out: &mut Vec<Finding>) {
        let problem = match self.f.political_review {
            None => Some(("未登记政治审查结论".to_string(), "未登记".to_string())),
            Some(r) if r.passed.is_none() => Some((
                format!("{} 登记的政治审查未记载结论（合格或不合格）", fmt_date(r.concluded_on)),
                "未记载结论".to_string(),
            )),
            Some(r) if r.passed == Some(false) => Some(("政治审查不合格".to_string(), "不合格".to_string())),
            Some(r) if r.concluded_on > self.on => Some((
                format!("政治审查结论日期 {} 晚于支部大会日期 {}", fmt_date(r.concluded_on), fmt_date(self.on)),
                fmt_date(r.concluded_on),
            )),
            Some(_) => None,
        };
        if let Some((what, actual)) = problem {
            out.push(
                self.finding(
                    "R1.11",
                    Severity::Block,
                    source(16, self.on),
                    format!("{}{what}；凡是未经政治审查或者政治审查不合格的，不能发展入党", self.who()),
                )
                .fact("field", "字段", "political_review")
                .fact("actual", "政治审查", actual)
                .fact("required", "要求", format!("{} 前形成合格的结论性材料", fmt_date(self.on))),
            );
        }
    }

    /// R1.12: intensive training of at least `training_min_days` days or `training_min_hours` class hours.
    fn training(&self, out: &mut Vec<Finding>) {
        let (min_days, min_hours) = (self.s.training_min_days, self.s.training_min_hours);
        let actual = match self.f.training {
            None => "未登记".to_string(),
            Some(t) if t.days >= min_days || t.hours >= min_hours => return,
            Some(t) => format!("{} 天 / {} 学时", t.days, t.hours),
        };
        let gap = self.f.training.map_or(format!("{min_days} 天"), |t| {
            format!("{} 天或 {} 学时", min_days.saturating_sub(t.days), min_hours.saturating_sub(t.hours))
        });
        out.push(
            self.finding(
                "R1.12",
                Severity::Block,
                source(17, self.on),
                format!(
                    "{}的集中培训为 {actual}，培训时间应不少于 {min_days} 天或不少于 {min_hours} 个学时；未经培训的，不能发展入党",
                    self.who()
                ),
            )
            .fact("field", "字段", "training")
            .fact("actual", "集中培训", actual)
            .fact("required", "要求", format!("≥{min_days} 天或 ≥{min_hours} 学时"))
            .fact("gap", "相差", gap),
        );
    }

    /// R1.13: leaving the unit within `leaving_window_months` after the 预审 on `pre_review` warns.
    fn leaving(&self, pre_review: NaiveDate, out: &mut Vec<Finding>) {
        let Some(leaving) = self.f.leaving_date else { return };
        let window_end = self.s.period_max(pre_review, self.s.leaving_window_months);
        if leaving <= window_end {
            let months = self.s.leaving_window_months;
            let message = format!(
                "{}预计 {} 离开工作、学习单位，在预审（{}）后 {months} 个月内（至 {}）；未来三个月内将离开的，一般不办理接收预备党员的手续",
                self.who(),
                fmt_date(leaving),
                fmt_date(pre_review),
                fmt_date(window_end)
            );
            out.push(
                self.finding("R1.13", Severity::Warn, source(18, self.on), message)
                    .fact("field", "字段", "leaving_date")
                    .fact("actual", "预计离开日期", fmt_date(leaving))
                    .fact("required", "应晚于", fmt_date(window_end))
                    .fact("gap", "相差天数", days_between(leaving, window_end) + 1)
                    .fact("pre_review", Step::PreReview.label(), fmt_date(pre_review)),
            );
        }
    }

    /// R1.15–1.16 (R1.25 for conversion): the recorded vote is valid, quorate and passed.
    fn vote(&self, vote: Option<&VoteInput>, field: &str, out: &mut Vec<Finding>) {
        let Some(v) = vote else {
            out.push(
                self.finding(
                    "R1.16",
                    Severity::Block,
                    source(20, self.on),
                    format!("{}未登记支部大会的表决结果（应到、实到、书面意见和赞成、反对、弃权票数）", self.who()),
                )
                .fact("field", "字段", field)
                .fact("actual", "表决结果", "未登记")
                .fact("required", "要求", "登记表决票数"),
            );
            return;
        };
        let counts = |f: Finding| {
            f.fact("vote", "表决", field)
                .fact("eligible_voters", "应到会有表决权人数", v.eligible_voters)
                .fact("present_voters", "实到会有表决权人数", v.present_voters)
                .fact("written_opinions", "书面意见", v.written_opinions)
                .fact("yes_votes", "赞成票", v.yes_votes)
        };
        // The least number that is "more than half" (C3: strict by default; at least half otherwise).
        let need = if self.s.strict_majority { v.eligible_voters / 2 + 1 } else { v.eligible_voters.div_ceil(2) };
        let short = if self.s.strict_majority { "未超过" } else { "不足" };
        match vote_result_with(v, self.s.strict_majority) {
            Err(mut f) => {
                f.subject_id = self.f.case_id;
                f.subject_name = self.f.name.clone();
                f.source = source(if f.rule == "R1.15" { 19 } else { 20 }, self.on);
                f.message_zh = format!("{}的表决数据有误：{}", self.who(), f.message_zh);
                out.push(counts(f));
            }
            Ok(VoteOutcome::Passed) => {}
            Ok(VoteOutcome::NoQuorum) => {
                let message = format!(
                    "{}的支部大会实到会有表决权的党员 {} 人，{short}应到会 {} 人的半数（至少 {need} 人），会议无效",
                    self.who(),
                    v.present_voters,
                    v.eligible_voters
                );
                out.push(counts(
                    self.finding("R1.15", Severity::Block, source(19, self.on), message)
                        .fact("field", "字段", "present_voters")
                        .fact("actual", "实到会有表决权人数", v.present_voters)
                        .fact("required", "最少实到人数", need)
                        .fact("gap", "相差人数", need.saturating_sub(v.present_voters)),
                ));
            }
            Ok(VoteOutcome::Failed) => {
                let message = format!(
                    "{}的赞成票 {} 票，{short}应到会有表决权的党员 {} 人的半数（至少 {need} 票），决议未通过",
                    self.who(),
                    v.yes_votes,
                    v.eligible_voters
                );
                out.push(counts(
                    self.finding("R1.16", Severity::Block, source(20, self.on), message)
                        .fact("field", "字段", "yes_votes")
                        .fact("actual", "赞成票", v.yes_votes)
                        .fact("required", "最少赞成票", need)
                        .fact("gap", "相差票数", need.saturating_sub(v.yes_votes)),
                ));
            }
        }
    }

    /// R1.19 (admission) / R1.25 (conversion): only a 党委 approves.
    fn approver(&self, kind: Option<OrgKind>, field: &str, rule: &str, article: u32, out: &mut Vec<Finding>) {
        let what = if rule == "R1.19" { "预备党员" } else { "预备党员转正" };
        let message = match kind {
            Some(k) if k.is_committee() => return,
            Some(k) => format!("{}的审批组织为{}；{k}不能审批{what}，{what}必须由党委审批", self.who(), k.label()),
            None => format!("{}未登记审批组织；{what}必须由党委审批", self.who()),
        };
        out.push(
            self.finding(rule, Severity::Block, source(article, self.on), message)
                .fact("field", "字段", field)
                .fact("actual", "审批组织", kind.map_or("未登记", OrgKind::label))
                .fact("required", "要求", "党委（校党委或院级党委）"),
        );
    }

    /// R1.21: approval within `approval_warn_months` (warn) and at most `approval_max_months` (block) of the vote.
    fn approval_window(&self, out: &mut Vec<Finding>) {
        let Some(vote) = self.f.date(Step::AdmissionVote) else { return };
        let (warn_months, max_months) = (self.s.approval_warn_months, self.s.approval_max_months);
        let (warn_by, max_by) = (self.s.period_max(vote, warn_months), self.s.period_max(vote, max_months));
        let (severity, limit, tail) = if self.on > max_by {
            (Severity::Block, max_by, format!("特殊情况延长审批时间也不得超过 {max_months} 个月"))
        } else if self.on > warn_by {
            (Severity::Warn, warn_by, format!("应在 {warn_months} 个月内审批，特殊情况延长须说明理由"))
        } else {
            return;
        };
        let message = format!(
            "{}审批日期 {} 距支部大会通过接收决议（{}）已超过 {} 个月（期限 {}）；{tail}",
            self.who(),
            fmt_date(self.on),
            fmt_date(vote),
            if severity == Severity::Block { max_months } else { warn_months },
            fmt_date(limit)
        );
        out.push(
            self.dated("R1.21", severity, source(25, self.on), message, limit)
                .fact("admission_vote", Step::AdmissionVote.label(), fmt_date(vote))
                .fact("max_date", "最长期限", fmt_date(max_by)),
        );
    }

    /// R1.24: at most one extension, of six to twelve months.
    fn extensions(&self, out: &mut Vec<Finding>) {
        let ext = &self.f.probation_extensions;
        let src = || source(31, self.on);
        if ext.len() > 1 {
            out.push(
                self.finding(
                    "R1.24",
                    Severity::Block,
                    src(),
                    format!("{}的预备期延长了 {} 次，预备期只能延长一次", self.who(), ext.len()),
                )
                .fact("field", "字段", "probation_extensions")
                .fact("actual", "延长次数", ext.len())
                .fact("required", "最多延长次数", 1)
                .fact("gap", "超出次数", ext.len() - 1),
            );
        }
        let (min, max) = EXTENSION_MONTHS;
        for &m in ext.iter().filter(|m| !(min..=max).contains(*m)) {
            out.push(
                self.finding(
                    "R1.24",
                    Severity::Block,
                    src(),
                    format!("{}的预备期延长 {m} 个月；延长时间不能少于半年，最长不超过一年", self.who()),
                )
                .fact("field", "字段", "probation_extensions")
                .fact("actual", "延长月数", m)
                .fact("required", "要求月数", format!("{min}–{max}"))
                .fact("gap", "相差月数", if m < min { min - m } else { m - max }),
            );
        }
    }

    /// R1.23, R1.25: the conversion vote is not held before probation (plus any extension) ends.
    pub(super) fn no_early_conversion(&self, out: &mut Vec<Finding>) {
        let (Some(vote), Some(end)) = (self.f.date(Step::AdmissionVote), self.f.probation_end(self.s)) else { return };
        if self.on < end {
            let message = format!(
                "{}转正讨论日期 {} 早于预备期满日 {}（支部大会通过接收决议 {} 起一年{}），预备党员不能提前转正",
                self.who(),
                fmt_date(self.on),
                fmt_date(end),
                fmt_date(vote),
                if self.f.probation_extensions.is_empty() { "" } else { "，含延长期" }
            );
            out.push(
                self.dated("R1.25", Severity::Block, source(32, self.on), message, end)
                    .fact("admission_vote", Step::AdmissionVote.label(), fmt_date(vote))
                    .fact("probation_end", "预备期满日", fmt_date(end)),
            );
        }
    }
}
