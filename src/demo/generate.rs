//! Deterministic synthetic demo data: college-level units with their 党总支, 党支部 and 党小组,
//! the people in them, their party membership and the committees.
//!
//! Everything is derived from `(spec.seed, unit index)` alone, so a caller can generate units
//! lazily, one at a time and in any order (streaming the 1 000 000-member province library), and
//! always get identical results. The data is fictional but plausible, and deliberately contains
//! the irregularities the checks must find (tiny and oversized branches, expired terms, overdue
//! probationary members, missing committees, members in special statuses…).
//!
//! # Uniqueness scheme
//!
//! **身份证号** = region (6) + birth date (8) + sequence (3) + check digit. The 17th digit is odd
//! for men and even for women, so for a given (region, birth date, gender) there are 500 sequences,
//! and over the 16 region codes 8000 (region, sequence) *slots*. With `U` units the units are
//! split into `m = ceil(U / 8000)` partitions by `i % m`, and a person of unit `i` is always born
//! on a day whose day number is `≡ i % m (mod m)`; so units of different partitions never share a
//! birth date. Inside a partition, unit `q = i / m` owns the `k = min(16, 8000 / ceil(U / m))`
//! slots `g = q·k + j` (`j < k`), i.e. region `g % 16` with slot `g / 16`; no two units own the
//! same (region, slot). The three digits are `(slot·337 + h(date, region)) mod 500` (a bijection
//! of the slot for a fixed date and region, which only makes the digits look varied), split into
//! two digits and the gender-parity digit. Inside a unit, the generator tracks the
//! (region, birth date, gender) triples already used and resolves a clash by trying the unit's
//! other regions, then moving the birth date `m` days earlier. Result: ids are unique across the
//! whole spec for every `i < spec.units` (the province spec uses `m = 1`, `k = 5`; the university
//! spec `m = 1`, `k = 16`, every region).
//!
//! **工号/学号** (`staff_no`): the `n`-th (0-based) teacher, staff member or retiree of unit `i`
//! gets `T` + `n·U + i + 1`, the `n`-th student enrolled in year `y` gets `S` + `y` +
//! `n·U + i + 1`, zero-padded to six digits. This is injective in `(i, n)`; the generator keeps
//! `n·U + i + 1 < 1 000 000` (six digits) by capping the non-student head count of a unit at
//! `999 999 / U` (624 for the province spec; it never binds for the university). Should a number
//! ever exceed six digits it simply gets a seventh and stays unique.
//!
//! Randomness comes from [`rand::rngs::StdRng`] (ChaCha12 in `rand` 0.8) seeded through
//! SplitMix64; floats are only used with exactly-rounded IEEE operations (no `powf`, `ln`…), so
//! the output is the same on every platform for a given `Cargo.lock`.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::names::{self, COLLEGE_FACTORS, COLLEGES, College, GENERAL_UNITS, GeneralUnit};
use crate::calendar::{add_months, add_years};
use crate::domain::{
    Education, Gender, MemberStatus, OrgCategory, OrgKind, PersonCategory, PositionRole, SpecialStatus, Title,
};

/// A party organization of a unit. `key` is its index in [`DemoUnit::orgs`]; key 0 is the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoOrg {
    /// Index in [`DemoUnit::orgs`].
    pub key: usize,
    /// Key of the parent org (always smaller than `key`), or `None` for the unit itself.
    pub parent: Option<usize>,
    /// Kind of organization.
    pub kind: OrgKind,
    /// Category by members; only set for branches.
    pub category: Option<OrgCategory>,
    /// Name, unique within the unit (unit names are unique within the spec).
    pub name: String,
    /// Date the organization was set up.
    pub established_on: NaiveDate,
    /// Start of the current committee term (`None` for 党小组).
    pub term_start: Option<NaiveDate>,
    /// 联合党支部 spanning several offices (RULES R3.1).
    pub joint_branch: bool,
}

/// A person (every demo person is a party member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPerson {
    /// Full name.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// Ethnic group (民族), e.g. 汉族.
    pub ethnicity: String,
    /// Date of birth (matches the 身份证号).
    pub birth_date: NaiveDate,
    /// 18-character 身份证号 with a valid check digit, unique across the spec.
    pub id_card_no: String,
    /// 工号 (`T` + 6 digits) or 学号 (`S` + enrollment year + 6 digits), unique across the spec.
    pub staff_no: String,
    /// Highest education (students: the degree they study for).
    pub education: Education,
    /// Professional title.
    pub title: Title,
    /// Category at the university.
    pub category: PersonCategory,
    /// Mobile number, 11 digits.
    pub phone: String,
    /// Year of enrollment, students only.
    pub enrollment_year: Option<i32>,
}

/// A party membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoMember {
    /// Index into [`DemoUnit::persons`].
    pub person: usize,
    /// Key of the 党支部 or 党小组 the member belongs to.
    pub org: usize,
    /// Full or probationary.
    pub status: MemberStatus,
    /// Date of admission (start of probation).
    pub joined_on: NaiveDate,
    /// Date full membership began (`None` while probationary).
    pub full_on: Option<NaiveDate>,
    /// Special status.
    pub special_status: SpecialStatus,
    /// Since when the special status holds (`None` when normal).
    pub special_status_since: Option<NaiveDate>,
}

/// A committee position held by a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPosition {
    /// Key of the organization.
    pub org: usize,
    /// Index into [`DemoUnit::members`]; the member belongs to the org's subtree.
    pub member: usize,
    /// Role.
    pub role: PositionRole,
    /// Start of the position (the org's `term_start`, or an earlier term for predecessors).
    pub start_on: NaiveDate,
    /// End, for predecessors of the current holder.
    pub end_on: Option<NaiveDate>,
}

/// One college-level unit (院级党委 or 党总支) with everything under it; org keys are local to
/// the unit, key 0 is the unit itself whose parent is None (= the university root, attached by
/// the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoUnit {
    /// Organizations in depth-first order (a parent always precedes its children).
    pub orgs: Vec<DemoOrg>,
    /// People, one per member.
    pub persons: Vec<DemoPerson>,
    /// Memberships.
    pub members: Vec<DemoMember>,
    /// Committee positions.
    pub positions: Vec<DemoPosition>,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSpec {
    /// Name of the (fictional) university, for the root organization.
    pub university_name: String,
    /// Number of college-level units.
    pub units: usize,
    /// Target number of 党支部 across all units.
    pub branches: usize,
    /// Target number of members across all units.
    pub members: usize,
    /// Seed of all randomness.
    pub seed: u64,
    /// The reference date: nothing happens after it, terms and probation are judged against it.
    pub today: NaiveDate,
}

impl DemoSpec {
    /// The demo university 赣江师范大学: 20 units, 400 branches, 12 000 members.
    pub fn university(seed: u64, today: NaiveDate) -> Self {
        Self {
            university_name: "赣江师范大学".to_string(), units: 20, branches: 400, members: 12_000, seed, today
        }
    }

    /// The province-scale library: 1600 units, 40 000 branches, 1 000 000 members.
    pub fn province(seed: u64, today: NaiveDate) -> Self {
        Self {
            university_name: "演示省高校（合并演示库）".to_string(),
            units: 1600,
            branches: 40_000,
            members: 1_000_000,
            seed,
            today,
        }
    }

    /// A university of about `members` members: `members / 30` branches, 20 branches a unit.
    pub fn custom(members: usize, seed: u64, today: NaiveDate) -> Self {
        let branches = (members / 30).max(1);
        Self {
            university_name: "赣江师范大学".to_string(),
            units: (branches / 20).max(1),
            branches,
            members,
            seed,
            today,
        }
    }
}

/// Generates unit `i` (0-based) of the spec deterministically from (seed, i) alone, so units can
/// be generated lazily one by one (streaming for the 1M-member province) and in any order with
/// identical results. Identifiers are unique across the spec for `i < spec.units`.
pub fn generate_unit(spec: &DemoSpec, i: usize) -> DemoUnit {
    let mut g = UnitGen::new(spec, i);
    g.build();
    DemoUnit { orgs: g.orgs, persons: g.persons, members: g.members, positions: g.positions }
}

// ---------------------------------------------------------------------------------------------
// Randomness and dates

const TAG_UNIT: u64 = 0x756e_6974;
const TAG_BLOCK: u64 = 0x626c_6f63;
const BLOCK: usize = 20;
const COLLEGES_PER_BLOCK: usize = 15;
/// (region, slot) pairs per (birth date, gender): 16 regions × 500 sequences.
const ID_SLOTS: usize = 8000;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn mix(seed: u64, tag: u64, n: usize) -> u64 {
    splitmix(splitmix(seed ^ tag).wrapping_add(n as u64))
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    TimeDelta::try_days(n).and_then(|t| d.checked_add_signed(t)).unwrap_or(d)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn rand_date(rng: &mut StdRng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    if hi <= lo {
        return lo;
    }
    add_days(lo, rng.gen_range(0..=(hi - lo).num_days()))
}

fn pick_weighted<'a>(rng: &mut StdRng, items: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut r = rng.gen_range(0..total.max(1));
    for &(s, w) in items {
        if r < w {
            return s;
        }
        r -= w;
    }
    items.first().map_or("", |x| x.0)
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Unit layout: in every block of 20 units, 15 colleges then the five 党总支 templates.

#[derive(Debug, Clone, Copy)]
enum Template {
    College(&'static College),
    General(&'static GeneralUnit),
}

/// Template, display name and size factor of unit `i`.
fn unit_layout(spec: &DemoSpec, i: usize) -> (Template, String, f64) {
    let (b, r) = (i / BLOCK, i % BLOCK);
    let campus = |k: usize| {
        if k == 0 { String::new() } else { format!("（第{}校区）", k + 1) }
    };
    let general_sum: f64 = GENERAL_UNITS.iter().map(|u| u.factor).sum();
    let college_sum: f64 = COLLEGE_FACTORS.iter().sum();
    if r < COLLEGES_PER_BLOCK || GENERAL_UNITS.is_empty() {
        let c = b * COLLEGES_PER_BLOCK + r.min(COLLEGES_PER_BLOCK - 1);
        let t = &COLLEGES[c % COLLEGES.len()];
        let mut factors = COLLEGE_FACTORS;
        factors.shuffle(&mut StdRng::seed_from_u64(mix(spec.seed, TAG_BLOCK, b)));
        let scale = (BLOCK as f64 - general_sum) / college_sum;
        let f = factors[r % COLLEGES_PER_BLOCK] * scale;
        (Template::College(t), format!("{}{}", t.name, campus(c / COLLEGES.len())), f)
    } else {
        let k = r - COLLEGES_PER_BLOCK;
        let t = &GENERAL_UNITS[k % GENERAL_UNITS.len()];
        (Template::General(t), format!("{}{}", t.name, campus(b)), t.factor)
    }
}

// ---------------------------------------------------------------------------------------------
// 身份证号 space of a unit (see the module docs).

struct IdSpace {
    /// Number of birth-date partitions.
    m: i64,
    /// This unit's residue.
    p: i64,
    /// Regions owned.
    k: usize,
    /// First owned global slot.
    base: usize,
}

impl IdSpace {
    fn new(units: usize, i: usize) -> Self {
        let units = units.max(1);
        let m = units.div_ceil(ID_SLOTS).max(1);
        let per = units.div_ceil(m);
        let k = (ID_SLOTS / per).clamp(1, 16);
        Self { m: m as i64, p: (i % m) as i64, k, base: (i / m) * k }
    }

    /// (region index, slot) of the unit's `j`-th region.
    fn region_slot(&self, j: usize) -> (usize, usize) {
        let g = self.base + j;
        (g % 16, (g / 16) % 500)
    }

    /// Moves `d` back to the nearest day of this unit's partition.
    fn align(&self, d: NaiveDate) -> NaiveDate {
        let n = i64::from(d.num_days_from_ce());
        add_days(d, -(n - self.p).rem_euclid(self.m))
    }
}

fn id_card_no(region: usize, slot: usize, birth: NaiveDate, gender: Gender) -> String {
    let day = i64::from(birth.num_days_from_ce());
    let h = (day * 7 + region as i64 * 13).rem_euclid(500) as usize;
    let seq = (slot * 337 + h) % 500;
    let parity = usize::from(gender == Gender::Male);
    let first17 = format!(
        "{}{:04}{:02}{:02}{:02}{}",
        names::REGION_CODES[region % 16],
        birth.year(),
        birth.month(),
        birth.day(),
        seq / 5,
        (seq % 5) * 2 + parity
    );
    let check = crate::domain::idcard::check_digit(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

// ---------------------------------------------------------------------------------------------
// Planning

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Undergrad,
    Master,
    Doctor,
    /// 研究生 branch: mostly master's, some doctoral students.
    Graduate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Top,
    TeacherGb,
    UndergradGb,
    GraduateGb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Normal,
    Expired,
    NearExpiry,
    New,
    FreshSecretary,
    Grade,
}

#[derive(Debug, Clone)]
struct Plan {
    name: String,
    category: OrgCategory,
    bucket: Bucket,
    level: Level,
    grade: Option<i32>,
    size: usize,
    /// Tiny branches: at most this many full members.
    max_full: Option<usize>,
    /// Student branches: the first person is a counselor (辅导员, staff).
    counselor: bool,
    /// Mixed branches: number of teachers (the rest are students).
    mixed_teachers: usize,
    term: Term,
    no_committee: bool,
    key: usize,
    established: NaiveDate,
    term_start: NaiveDate,
    groups: Vec<usize>,
    members: Vec<usize>,
}

impl Plan {
    fn new(name: String, category: OrgCategory, bucket: Bucket) -> Self {
        Self {
            name,
            category,
            bucket,
            level: Level::Undergrad,
            grade: None,
            size: 0,
            max_full: None,
            counselor: false,
            mixed_teachers: 0,
            term: Term::Normal,
            no_committee: false,
            key: 0,
            established: NaiveDate::MIN,
            term_start: NaiveDate::MIN,
            groups: Vec::new(),
            members: Vec::new(),
        }
    }

    fn non_students(&self) -> usize {
        match self.category {
            OrgCategory::Student => usize::from(self.counselor),
            OrgCategory::Mixed => self.mixed_teachers,
            _ => self.size,
        }
    }
}

struct UnitGen<'a> {
    spec: &'a DemoSpec,
    i: usize,
    units: usize,
    today: NaiveDate,
    /// Latest enrollment year (this autumn's intake once September has come).
    latest: i32,
    rng: StdRng,
    ids: IdSpace,
    used_ids: HashSet<u64>,
    next_t: usize,
    next_s: Vec<(i32, usize)>,
    template: Template,
    /// Attached school: its teachers have school-teacher profiles.
    school: bool,
    orgs: Vec<DemoOrg>,
    persons: Vec<DemoPerson>,
    members: Vec<DemoMember>,
    positions: Vec<DemoPosition>,
    plans: Vec<Plan>,
    names: HashSet<String>,
    /// Members with a deliberately recent conversion (fresh secretaries), never re-dated.
    lower_bound: Vec<NaiveDate>,
    /// Whether each member is a student branch's counselor (辅导员).
    counselor: Vec<bool>,
}

impl<'a> UnitGen<'a> {
    fn new(spec: &'a DemoSpec, i: usize) -> Self {
        let today = spec.today;
        let (template, _, _) = unit_layout(spec, i);
        Self {
            spec,
            i,
            units: spec.units.max(1),
            today,
            latest: if today.month() >= 9 { today.year() } else { today.year() - 1 },
            rng: StdRng::seed_from_u64(mix(spec.seed, TAG_UNIT, i)),
            ids: IdSpace::new(spec.units, i),
            used_ids: HashSet::new(),
            next_t: 0,
            next_s: Vec::new(),
            template,
            school: matches!(template, Template::General(g) if g.category == OrgCategory::Teacher),
            orgs: Vec::new(),
            persons: Vec::new(),
            members: Vec::new(),
            positions: Vec::new(),
            plans: Vec::new(),
            names: HashSet::new(),
            lower_bound: Vec::new(),
            counselor: Vec::new(),
        }
    }

    fn build(&mut self) {
        let (template, unit_name, factor) = unit_layout(self.spec, self.i);
        let avg_branches = self.spec.branches.max(1) as f64 / self.units as f64;
        let n_b = ((avg_branches * factor).round() as usize).max(1);

        // The unit itself.
        let (kind, est_years, term_years) = match template {
            Template::College(_) => (OrgKind::CollegeCommittee, (1952, 2016), 5),
            Template::General(_) => (OrgKind::GeneralBranch, (1984, 2012), 3),
        };
        let year = self.rng.gen_range(est_years.0..=est_years.1);
        let unit_est = rand_date(&mut self.rng, ymd(year, 3, 1), ymd(year, 11, 30)).min(self.today);
        let unit_term = self.term_start(term_years, 6);
        self.push_org(None, kind, None, unit_name, unit_est, Some(unit_term.max(unit_est)));

        let mut plans = match template {
            Template::College(c) => self.college_plans(c, n_b),
            Template::General(g) => self.general_plans(g, n_b),
        };
        for p in &mut plans {
            self.size_and_term(p);
        }
        self.cap_non_students(&mut plans);
        self.push_branch_orgs(&mut plans, unit_est);
        self.plans = plans;
        for bi in 0..self.plans.len() {
            for slot in 0..self.plans[bi].size {
                self.add_member(bi, slot);
            }
        }
        for bi in 0..self.plans.len() {
            self.branch_committee(bi);
        }
        self.upper_committees();
    }

    /// A term start for a `years`-long term; `expired_pct` percent are overdue for re-election.
    fn term_start(&mut self, years: i32, expired_pct: u32) -> NaiveDate {
        let today = self.today;
        if self.rng.gen_range(0..100) < expired_pct {
            add_days(add_years(today, -years), -self.rng.gen_range(1..=400))
        } else {
            rand_date(&mut self.rng, add_days(add_years(today, -years), 30), add_days(today, -20))
        }
    }

    fn push_org(
        &mut self,
        parent: Option<usize>,
        kind: OrgKind,
        category: Option<OrgCategory>,
        name: String,
        established_on: NaiveDate,
        term_start: Option<NaiveDate>,
    ) -> usize {
        let key = self.orgs.len();
        let mut name = name;
        if !self.names.insert(name.clone()) {
            let mut n = 2;
            while !self.names.insert(format!("{name}（{n}）")) {
                n += 1;
            }
            name = format!("{name}（{n}）");
        }
        let joint_branch = kind == OrgKind::Branch && category != Some(OrgCategory::Mixed) && name.contains("联合");
        self.orgs.push(DemoOrg { key, parent, kind, category, name, established_on, term_start, joint_branch });
        key
    }
}

mod orgs;

mod people;

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
