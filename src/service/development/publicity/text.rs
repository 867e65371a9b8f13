//! The text of a 公示 notice generated from the case (title, paragraphs, dates in Chinese).

use chrono::{Datelike, NaiveDate};

/// What the notice text is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts {
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: Option<String>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Education label.
    pub education: Option<String>,
    /// 学生 / 教师 …
    pub category: Option<String>,
    /// The college-level unit (e.g. 数学学院).
    pub unit: Option<String>,
    /// Application date.
    pub applied_on: NaiveDate,
    /// Activist determination date.
    pub activist_on: Option<NaiveDate>,
    /// Higher committee's consent (step 8 under the 2026 rules).
    pub consent_on: Option<NaiveDate>,
    /// The branch issuing the notice.
    pub org_name: String,
    /// The higher 党委.
    pub committee: Option<String>,
    /// Where objections are received.
    pub place: Option<String>,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Working days in the period.
    pub workdays: u32,
    /// Date under the signature.
    pub issued_on: NaiveDate,
}

/// "2026年11月30日".
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The period sentence of a notice: "2026年11月30日至2026年12月4日（5个工作日）".
pub fn period_zh(start: NaiveDate, end: NaiveDate, workdays: u32) -> String {
    format!("{}至{}（{workdays}个工作日）", cn_date(start), cn_date(end))
}

/// The notice's title and text in the usual format.
pub fn notice_text(n: &NoticeFacts) -> (String, String) {
    let title = format!("关于拟确定{}为发展对象的公示", n.name);
    let decided = if n.consent_on.is_some() {
        "经党支部委员会研究并报上级党委同意"
    } else {
        "经党支部委员会研究"
    };
    let mut who = vec![n.name.clone()];
    who.extend(n.gender.clone());
    who.extend(n.ethnicity.clone());
    who.push(format!("{}年{}月生", n.birth_date.year(), n.birth_date.month()));
    who.extend(n.education.clone());
    let place_in_unit = match (&n.unit, &n.category) {
        (Some(u), Some(c)) => Some(format!("{u}{c}")),
        (Some(u), None) => Some(u.clone()),
        (None, c) => c.clone(),
    };
    who.extend(place_in_unit);
    let mut history = format!("{}递交入党申请书", cn_date(n.applied_on));
    if let Some(a) = n.activist_on {
        history.push_str(&format!("，{}被确定为入党积极分子", cn_date(a)));
    }
    let contact = match &n.committee {
        Some(c) => format!("{}（上级党委：{c}）", n.org_name),
        None => n.org_name.clone(),
    };
    let mut body = vec![
        format!(
            "根据《中国共产党发展党员工作细则》有关规定，{decided}，拟确定{}同志为发展对象。为广泛听取党员和群众的意见，现将有关情况公示如下：",
            n.name
        ),
        format!("{}。{history}。", who.join("，")),
        format!("公示时间：{}。", period_zh(n.start, n.end, n.workdays)),
        format!(
            "公示期间，党员和群众可通过来信、来电、来访等方式，向{}反映公示对象在政治思想、工作学习、遵纪守法、道德品质等方面的情况和问题。反映问题应实事求是，以个人名义反映的，请提供真实姓名和联系方式，以便核实。",
            n.org_name
        ),
        format!("联系单位：{contact}"),
    ];
    if let Some(p) = &n.place {
        body.push(format!("受理地点：{p}"));
    }
    body.push(String::new());
    body.push(n.org_name.clone());
    body.push(cn_date(n.issued_on));
    (title, body.join("\n"))
}
