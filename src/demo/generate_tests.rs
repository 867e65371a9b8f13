//! Tests of the parent module, kept in their own file.

use super::*;
use std::collections::HashMap;
use std::time::Instant;

fn today() -> NaiveDate {
    ymd(2026, 6, 1)
}

fn all_units(spec: &DemoSpec) -> Vec<DemoUnit> {
    (0..spec.units).map(|i| generate_unit(spec, i)).collect()
}

fn valid_id(id: &str, birth: NaiveDate, gender: Gender) -> bool {
    id.len() == 18
        && id.is_ascii()
        && names::REGION_CODES.contains(&&id[..6])
        && id[6..14] == birth.format("%Y%m%d").to_string()
        && id[14..17].bytes().all(|b| b.is_ascii_digit())
        && ((id.as_bytes()[16] - b'0') % 2 == 1) == (gender == Gender::Male)
        && crate::domain::idcard::check_digit(&id[..17]).map(String::from) == Some(id[17..].to_string())
}

fn subtree_contains(u: &DemoUnit, root: usize, mut key: usize) -> bool {
    loop {
        if key == root {
            return true;
        }
        match u.orgs[key].parent {
            Some(p) => key = p,
            None => return false,
        }
    }
}

#[test]
fn deterministic_and_order_independent() {
    let spec = DemoSpec::university(42, today());
    let later = generate_unit(&spec, 7);
    let first: Vec<DemoUnit> = (0..spec.units).map(|i| generate_unit(&spec, i)).collect();
    assert_eq!(first[7], later);
    for (i, u) in first.iter().enumerate().rev() {
        assert_eq!(*u, generate_unit(&spec, i));
    }
    let other = generate_unit(&DemoSpec::university(43, today()), 7);
    assert_ne!(other, later);
}

#[test]
fn university_ids_unique_and_valid() {
    let spec = DemoSpec::university(1, today());
    let units = all_units(&spec);
    let mut ids = HashSet::new();
    let mut staff = HashSet::new();
    let mut n = 0;
    for u in &units {
        for p in &u.persons {
            n += 1;
            assert!(valid_id(&p.id_card_no, p.birth_date, p.gender), "{p:?}");
            assert!(ids.insert(p.id_card_no.clone()), "duplicate {}", p.id_card_no);
            assert!(staff.insert(p.staff_no.clone()), "duplicate {}", p.staff_no);
            match p.enrollment_year {
                Some(y) => {
                    assert_eq!(p.category, PersonCategory::Student);
                    assert!(p.staff_no.starts_with(&format!("S{y}")));
                    assert_eq!(p.staff_no.len(), 11);
                }
                None => {
                    assert!(p.staff_no.starts_with('T') && p.staff_no.len() == 7, "{p:?}");
                }
            }
            assert!(p.staff_no[1..].bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(p.phone.len(), 11);
            assert!(p.phone.starts_with('1') && (b'3'..=b'9').contains(&p.phone.as_bytes()[1]));
            let chars = p.name.chars().count();
            assert!((2..=4).contains(&chars), "{}", p.name);
        }
    }
    assert!(n > 10_000, "{n}");
}

#[test]
fn counts_near_spec_and_structure_valid() {
    for seed in [1, 2, 3] {
        let spec = DemoSpec::university(seed, today());
        let units = all_units(&spec);
        let branches: usize = units.iter().map(|u| u.orgs.iter().filter(|o| o.kind == OrgKind::Branch).count()).sum();
        let members: usize = units.iter().map(|u| u.members.len()).sum();
        assert!(branches.abs_diff(spec.branches) * 10 <= spec.branches, "{branches}");
        assert!(members.abs_diff(spec.members) * 10 <= spec.members, "{members}");
        let mut unit_names = HashSet::new();
        for u in &units {
            assert!(unit_names.insert(u.orgs[0].name.clone()));
            assert_eq!(u.orgs[0].parent, None);
            assert!(matches!(u.orgs[0].kind, OrgKind::CollegeCommittee | OrgKind::GeneralBranch));
            assert_eq!(u.persons.len(), u.members.len());
            let mut names = HashSet::new();
            for (k, o) in u.orgs.iter().enumerate() {
                assert_eq!(o.key, k);
                assert!(names.insert(o.name.clone()), "{}", o.name);
                assert!(o.established_on <= spec.today);
                if let Some(t) = o.term_start {
                    assert!(o.established_on <= t && t <= spec.today, "{o:?}");
                }
                assert_eq!(o.term_start.is_none(), o.kind == OrgKind::Group);
                assert_eq!(o.category.is_some(), o.kind == OrgKind::Branch);
                if let Some(p) = o.parent {
                    assert!(p < k);
                    assert!(u.orgs[p].kind.allowed_children().contains(&o.kind), "{o:?}");
                } else {
                    assert_eq!(k, 0);
                }
            }
        }
    }
}

#[test]
fn members_and_positions_consistent() {
    let spec = DemoSpec::university(5, today());
    let t = spec.today;
    for u in all_units(&spec) {
        for m in &u.members {
            let o = &u.orgs[m.org];
            assert!(matches!(o.kind, OrgKind::Branch | OrgKind::Group));
            let p = &u.persons[m.person];
            assert!(m.joined_on >= add_years(p.birth_date, 18), "{m:?} {p:?}");
            assert!(m.joined_on <= t);
            match m.status {
                MemberStatus::Full => {
                    let f = m.full_on.unwrap_or(NaiveDate::MAX);
                    assert!(f <= t);
                    assert!(f == add_years(m.joined_on, 1) || f == add_months(m.joined_on, 18));
                }
                MemberStatus::Probationary => assert!(m.full_on.is_none()),
            }
            assert_eq!(m.special_status_since.is_some(), m.special_status != SpecialStatus::Normal);
            if let Some(s) = m.special_status_since {
                assert!(s > m.joined_on && s <= t);
            }
            let age = (t - p.birth_date).num_days() / 365;
            let (lo, hi) = match p.category {
                PersonCategory::Student => (18, 28),
                PersonCategory::Teacher => (26, 62),
                PersonCategory::Staff => (25, 60),
                PersonCategory::Retired => (60, 90),
            };
            assert!((lo..=hi).contains(&age), "{p:?}");
        }
        let mut seen = HashSet::new();
        for pos in &u.positions {
            let m = &u.members[pos.member];
            assert!(subtree_contains(&u, pos.org, m.org), "{pos:?}");
            assert_eq!(m.status, MemberStatus::Full);
            assert!(pos.start_on <= t);
            if pos.end_on.is_none() {
                assert_eq!(Some(pos.start_on), u.orgs[pos.org].term_start);
                assert!(seen.insert((pos.org, pos.member)), "{pos:?}");
            }
        }
    }
}

#[test]
fn findings_worthy_cases_present() {
    let spec = DemoSpec::university(9, today());
    let t = spec.today;
    let mut tiny = 0;
    let mut big = 0;
    let mut expired = 0;
    let mut near = 0;
    let mut overdue = 0;
    let mut no_committee = 0;
    let mut fresh_secretary = 0;
    let mut extended = 0;
    let mut big_teacher = 0;
    let mut with_groups = 0;
    let mut inner_gb = 0;
    let mut specials: HashMap<SpecialStatus, usize> = HashMap::new();
    let mut cats: HashMap<PersonCategory, usize> = HashMap::new();
    let mut titles: HashMap<Title, usize> = HashMap::new();
    let mut total = 0;
    for u in all_units(&spec) {
        inner_gb += u.orgs[1..].iter().filter(|o| o.kind == OrgKind::GeneralBranch).count();
        for o in u.orgs.iter().filter(|o| o.kind == OrgKind::Branch) {
            let ms: Vec<&DemoMember> = u.members.iter().filter(|m| subtree_contains(&u, o.key, m.org)).collect();
            let full = ms.iter().filter(|m| m.status == MemberStatus::Full).count();
            tiny += usize::from(full < 3);
            big += usize::from(ms.len() > 50);
            big_teacher += usize::from(o.category == Some(OrgCategory::Teacher) && ms.len() > 30);
            with_groups += usize::from(u.orgs.iter().any(|g| g.parent == Some(o.key)));
            let ts = o.term_start.unwrap_or(t);
            expired += usize::from(add_years(ts, 3) < t);
            near += usize::from(add_years(ts, 3) >= t && add_months(ts, 30) <= t);
            let current: Vec<&DemoPosition> =
                u.positions.iter().filter(|p| p.org == o.key && p.end_on.is_none()).collect();
            no_committee += usize::from(full >= 7 && current.len() < 3);
            fresh_secretary += usize::from(current.iter().any(|p| {
                p.role == PositionRole::Secretary && u.members[p.member].full_on.is_some_and(|f| f > add_years(t, -1))
            }));
        }
        for m in &u.members {
            total += 1;
            overdue += usize::from(m.status == MemberStatus::Probationary && add_years(m.joined_on, 1) < t);
            extended += usize::from(m.full_on == Some(add_months(m.joined_on, 18)));
            *specials.entry(m.special_status).or_default() += 1;
            let p = &u.persons[m.person];
            *cats.entry(p.category).or_default() += 1;
            if p.category == PersonCategory::Teacher {
                *titles.entry(p.title).or_default() += 1;
            }
        }
    }
    println!(
        "tiny {tiny} big {big} big_teacher {big_teacher} expired {expired} near {near} overdue {overdue} \
         no_committee {no_committee} fresh {fresh_secretary} extended {extended} groups {with_groups} \
         inner_gb {inner_gb} specials {specials:?} cats {cats:?} titles {titles:?} total {total}"
    );
    for (what, n) in [
        ("tiny", tiny),
        ("big", big),
        ("big teacher", big_teacher),
        ("expired", expired),
        ("near expiry", near),
        ("overdue", overdue),
        ("no committee", no_committee),
        ("fresh secretary", fresh_secretary),
        ("extended", extended),
        ("groups", with_groups),
        ("inner 党总支", inner_gb),
    ] {
        assert!(n > 0, "no {what}");
    }
    for s in SpecialStatus::ALL {
        assert!(specials.get(s).copied().unwrap_or(0) > 0, "no {s:?}");
    }
}

#[test]
fn odd_specs_do_not_break() {
    for members in [0, 1, 10, 100, 2_000] {
        let spec = DemoSpec::custom(members, 3, ymd(2028, 2, 29));
        let units = all_units(&spec);
        assert_eq!(units.len(), spec.units);
        assert!(units.iter().all(|u| !u.orgs.is_empty()));
    }
    let spec = DemoSpec::custom(60_000, 3, today());
    assert_eq!((spec.units, spec.branches), (100, 2000));
}

#[test]
fn province_unit_names_unique() {
    let spec = DemoSpec::province(1, today());
    let mut seen = HashSet::new();
    for i in 0..spec.units {
        let (_, name, _) = unit_layout(&spec, i);
        assert!(seen.insert(name.clone()), "{name}");
    }
}

#[test]
fn university_is_fast() {
    let spec = DemoSpec::university(1, today());
    let start = Instant::now();
    let n: usize = (0..spec.units).map(|i| generate_unit(&spec, i).members.len()).sum();
    println!("university: {n} members in {:?}", start.elapsed());
}

/// `cargo test --release -- --ignored --nocapture province`
#[test]
#[ignore]
fn province_bench() {
    let spec = DemoSpec::province(1, today());
    let start = Instant::now();
    let mut ids = HashSet::with_capacity(1_100_000);
    let mut staff = HashSet::with_capacity(1_100_000);
    let (mut branches, mut members, mut long_staff_no) = (0, 0, 0);
    let mut gen_time = std::time::Duration::ZERO;
    for i in 0..spec.units {
        let t0 = Instant::now();
        let u = generate_unit(&spec, i);
        gen_time += t0.elapsed();
        branches += u.orgs.iter().filter(|o| o.kind == OrgKind::Branch).count();
        members += u.members.len();
        for p in u.persons {
            long_staff_no += usize::from(p.staff_no.len() > if p.enrollment_year.is_some() { 11 } else { 7 });
            assert!(ids.insert(p.id_card_no));
            assert!(staff.insert(p.staff_no));
        }
    }
    println!(
        "province: {} units, {branches} branches, {members} members; generation {gen_time:?}, \
         total with checks {:?}; staff numbers over 6 digits: {long_staff_no}",
        spec.units,
        start.elapsed()
    );
    assert!(branches.abs_diff(spec.branches) * 10 <= spec.branches);
    assert!(members.abs_diff(spec.members) * 10 <= spec.members);
    assert_eq!(long_staff_no, 0);
}
