//! Tests of the parent module.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn facts() -> NoticeFacts {
    NoticeFacts {
        name: "王小明".into(),
        gender: Some("男".into()),
        ethnicity: Some("汉族".into()),
        birth_date: date(2004, 3, 15),
        education: None,
        category: Some("学生".into()),
        unit: Some("数学学院".into()),
        applied_on: date(2024, 9, 10),
        activist_on: Some(date(2025, 3, 20)),
        consent_on: Some(date(2026, 11, 27)),
        org_name: "数学学院本科生第一党支部".into(),
        committee: Some("数学学院党委".into()),
        place: Some("数学楼201室".into()),
        start: date(2026, 11, 30),
        end: date(2026, 12, 4),
        workdays: 5,
        issued_on: date(2026, 11, 28),
    }
}

#[test]
fn notice_text_in_the_usual_format() {
    let (title, body) = notice_text(&facts());
    assert_eq!(title, "关于拟确定王小明为发展对象的公示");
    assert!(body.contains("经党支部委员会研究并报上级党委同意，拟确定王小明同志为发展对象"), "{body}");
    assert!(body.contains("王小明，男，汉族，2004年3月生，数学学院学生。"), "{body}");
    assert!(body.contains("2024年9月10日递交入党申请书，2025年3月20日被确定为入党积极分子。"), "{body}");
    assert!(body.contains("公示时间：2026年11月30日至2026年12月4日（5个工作日）。"), "{body}");
    assert!(body.contains("联系单位：数学学院本科生第一党支部（上级党委：数学学院党委）"), "{body}");
    assert!(body.contains("受理地点：数学楼201室"), "{body}");
    assert!(body.ends_with("数学学院本科生第一党支部\n2026年11月28日"), "{body}");
}

#[test]
fn notice_text_with_little_known() {
    let n = NoticeFacts {
        gender: None,
        ethnicity: None,
        category: None,
        unit: None,
        activist_on: None,
        consent_on: None,
        committee: None,
        place: None,
        ..facts()
    };
    let (_, body) = notice_text(&n);
    assert!(body.contains("经党支部委员会研究，拟确定"), "{body}");
    assert!(body.contains("王小明，2004年3月生。2024年9月10日递交入党申请书。"), "{body}");
    assert!(!body.contains("受理地点"), "{body}");
    assert!(body.contains("联系单位：数学学院本科生第一党支部\n"), "{body}");
}

#[test]
fn period_sentence_is_replaceable() {
    let (_, body) = notice_text(&facts());
    let old = period_zh(date(2026, 11, 30), date(2026, 12, 4), 5);
    assert!(body.contains(&old));
    let new = period_zh(date(2026, 12, 1), date(2026, 12, 7), 5);
    assert!(body.replace(&old, &new).contains("2026年12月1日至2026年12月7日（5个工作日）"));
}

#[test]
fn latest_notice_and_open_objections_make_the_facts() {
    let row = |id, s, e| PublicityRow {
        id,
        case_id: 1,
        name: "甲".into(),
        org_id: 2,
        org_name: "支部".into(),
        org_path: "/1/2/".into(),
        title: String::new(),
        body: String::new(),
        place: None,
        start_on: s,
        end_on: e,
        created_at: String::new(),
        created_by: String::new(),
        updated_at: String::new(),
        location: None,
    };
    let obj = |id, resolved: Option<NaiveDate>| ObjectionRow {
        id,
        publicity_id: 5,
        case_id: 1,
        received_on: date(2026, 6, 3),
        raised_by: None,
        content: "问题".into(),
        resolved_on: resolved,
        resolution: None,
        created_at: String::new(),
        created_by: String::new(),
    };
    assert!(to_facts(&[], &[]).is_none());
    let notices = [row(5, date(2026, 6, 2), date(2026, 6, 8)), row(4, date(2025, 6, 2), date(2025, 6, 9))];
    let (p, open) = to_facts(&notices, &[obj(1, Some(date(2026, 6, 5))), obj(2, None)]).unwrap();
    assert_eq!((p.start, p.end, p.objections_open), (date(2026, 6, 2), date(2026, 6, 8), true));
    assert_eq!(open.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2]);
    let (p, open) = to_facts(&notices, &[obj(1, Some(date(2026, 6, 5)))]).unwrap();
    assert!(!p.objections_open && open.is_empty());
}
