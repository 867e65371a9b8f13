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

    fn college_plans(&mut self, c: &College, n_b: usize) -> Vec<Plan> {
        let rng = &mut self.rng;
        let n_admin = usize::from(n_b >= 8);
        let n_mixed = usize::from(n_b >= 5 && rng.gen_bool(0.5));
        let rest = n_b - n_admin - n_mixed;
        let t_share = rng.gen_range(0.30..0.42);
        let n_teacher = ((rest as f64 * t_share).round() as usize).clamp(1, rest.max(1));
        let n_student = rest.saturating_sub(n_teacher);
        let n_grad = if n_student >= 2 {
            ((n_student as f64 * rng.gen_range(0.2..0.45)).round() as usize).clamp(1, n_student - 1)
        } else {
            0
        };
        let n_ug = n_student - n_grad;
        let big = n_b >= 22 && rng.gen_bool(0.7);
        let teacher_bucket = if big && n_teacher >= 7 && rng.gen_bool(0.4) { Bucket::TeacherGb } else { Bucket::Top };
        let ug_bucket = if big && n_ug >= 3 { Bucket::UndergradGb } else { Bucket::Top };
        let grad_bucket = if big && n_grad >= 3 { Bucket::GraduateGb } else { Bucket::Top };

        let mut plans = Vec::with_capacity(n_b);
        // Teacher branches: by department or numbered.
        let by_dept = !c.depts.is_empty() && n_teacher <= c.depts.len() * 2 && rng.gen_bool(0.55);
        for t in 0..n_teacher {
            let name = if by_dept {
                let d = c.depts.len();
                let dept = c.depts[t % d];
                let same = (n_teacher + d - 1 - t % d) / d;
                if same == 1 {
                    format!("{dept}教工党支部")
                } else {
                    format!("{dept}教工第{}党支部", names::cn_number(t / d + 1))
                }
            } else {
                format!("教工第{}党支部", names::cn_number(t + 1))
            };
            plans.push(Plan::new(name, OrgCategory::Teacher, teacher_bucket));
        }
        if n_admin > 0 {
            let name = pick(rng, names::COLLEGE_ADMIN_BRANCHES).to_string();
            plans.push(Plan::new(name, OrgCategory::Admin, Bucket::Top));
        }
        if n_mixed > 0 {
            let name = match c.depts.choose(rng) {
                Some(d) if rng.gen_bool(0.5) => format!("{d}师生联合党支部"),
                _ => "师生联合党支部".to_string(),
            };
            let mut p = Plan::new(name, OrgCategory::Mixed, Bucket::Top);
            p.level = if rng.gen_bool(0.5) { Level::Undergrad } else { Level::Master };
            plans.push(p);
        }
        // Undergraduate branches: by grade or numbered.
        let latest = self.latest;
        let by_grade = rng.gen_bool(0.5);
        // Seniors and juniors have grade branches; the few sophomore members join them too.
        let seniors = n_ug.div_ceil(2);
        for u in 0..n_ug {
            let mut p = if by_grade {
                let (g, k, same) =
                    if u < seniors { (latest - 3, u, seniors) } else { (latest - 2, u - seniors, n_ug - seniors) };
                let name = if same == 1 {
                    format!("{g}级本科生党支部")
                } else {
                    format!("{g}级本科生第{}党支部", names::cn_number(k + 1))
                };
                let mut p = Plan::new(name, OrgCategory::Student, ug_bucket);
                p.grade = Some(g);
                p.term = Term::Grade;
                p
            } else {
                let name = format!("本科生第{}党支部", names::cn_number(u + 1));
                Plan::new(name, OrgCategory::Student, ug_bucket)
            };
            p.level = Level::Undergrad;
            plans.push(p);
        }
        // Graduate branches; with three or more, often one doctoral branch.
        let doctoral = n_grad >= 3 && rng.gen_bool(0.6);
        let masters_only = rng.gen_bool(0.4);
        for gi in 0..n_grad {
            let mut p = if doctoral && gi + 1 == n_grad {
                let mut p = Plan::new("博士研究生党支部".to_string(), OrgCategory::Student, grad_bucket);
                p.level = Level::Doctor;
                p
            } else if masters_only {
                let name = format!("硕士研究生第{}党支部", names::cn_number(gi + 1));
                let mut p = Plan::new(name, OrgCategory::Student, grad_bucket);
                p.level = Level::Master;
                p
            } else {
                let name = format!("研究生第{}党支部", names::cn_number(gi + 1));
                let mut p = Plan::new(name, OrgCategory::Student, grad_bucket);
                p.level = Level::Graduate;
                p
            };
            p.counselor = rng.gen_bool(0.4);
            plans.push(p);
        }
        for p in &mut plans {
            if p.category == OrgCategory::Student && p.level == Level::Undergrad {
                p.counselor = rng.gen_bool(0.6);
            }
        }
        plans
    }

    fn general_plans(&mut self, g: &GeneralUnit, n_b: usize) -> Vec<Plan> {
        (0..n_b)
            .map(|k| {
                let name = match g.branches.get(k) {
                    Some(n) => (*n).to_string(),
                    None => format!("{}第{}党支部", g.numbered_prefix, names::cn_number(k + 1 - g.branches.len())),
                };
                Plan::new(name, g.category, Bucket::Top)
            })
            .collect()
    }

    /// Size, term scenario and committee flags of a branch.
    fn size_and_term(&mut self, p: &mut Plan) {
        let m = self.spec.members as f64 / self.spec.branches.max(1) as f64;
        let rng = &mut self.rng;
        let r = rng.gen_range(0..1000);
        if r < 35 {
            // Fewer than three full members: too small to be a branch on its own (RULES R3).
            p.counselor = false;
            match p.category {
                OrgCategory::Retired => p.size = 2,
                OrgCategory::Student | OrgCategory::Mixed => {
                    p.size = rng.gen_range(2..=4);
                    p.max_full = Some(rng.gen_range(1..=2));
                }
                _ => {
                    p.size = rng.gen_range(2..=3);
                    p.max_full = Some(2);
                }
            }
        } else if r < 68 && m >= 15.0 {
            p.size = rng.gen_range(51..=64);
        } else {
            let normal_mean = ((m - 0.035 * 3.0 - 0.033 * 57.5) / 0.932).max(3.0);
            let f = 0.5 + 0.5 * (rng.gen_range(0.0..1.0) + rng.gen_range(0.0..1.0));
            p.size = ((normal_mean * f).round() as usize).clamp(3, 50);
        }
        if p.category == OrgCategory::Mixed {
            p.mixed_teachers = ((p.size as f64 * 0.4).round() as usize).max(1).min(p.size);
        }
        if p.term != Term::Grade {
            p.term = match rng.gen_range(0..100) {
                0..12 => Term::Expired,
                12..20 => Term::NearExpiry,
                20..23 => Term::New,
                23..26 => Term::FreshSecretary,
                _ => Term::Normal,
            };
        }
        p.no_committee = rng.gen_range(0..100) < 5;
    }

    /// Keeps the unit's non-student head count within its share of the six-digit 工号 space.
    fn cap_non_students(&self, plans: &mut [Plan]) {
        let cap = 999_999 / self.units;
        let mut total: usize = plans.iter().map(Plan::non_students).sum();
        while total > cap {
            let Some(p) = plans
                .iter_mut()
                .filter(|p| p.non_students() > 3 && p.category != OrgCategory::Student)
                .max_by_key(|p| p.non_students())
            else {
                break;
            };
            p.size -= 1;
            if p.category == OrgCategory::Mixed {
                p.mixed_teachers -= 1;
            }
            total -= 1;
        }
    }

    fn push_branch_orgs(&mut self, plans: &mut [Plan], unit_est: NaiveDate) {
        let today = self.today;
        let mut current_gb: Option<(Bucket, usize)> = None;
        for p in plans.iter_mut() {
            let parent = if p.bucket == Bucket::Top {
                current_gb = None;
                0
            } else if let Some((b, key)) = current_gb.filter(|(b, _)| *b == p.bucket) {
                let _ = b;
                key
            } else {
                let name = match p.bucket {
                    Bucket::TeacherGb => "教工党总支",
                    Bucket::UndergradGb => "本科生党总支",
                    _ => "研究生党总支",
                };
                let est = rand_date(&mut self.rng, unit_est.max(ymd(1995, 1, 1)), add_years(today, -4)).min(today);
                let term = self.term_start(3, 10).max(est);
                let key = self.push_org(Some(0), OrgKind::GeneralBranch, None, name.to_string(), est, Some(term));
                current_gb = Some((p.bucket, key));
                key
            };
            let rng = &mut self.rng;
            let three = add_years(today, -3);
            let term = match p.term {
                Term::Expired => add_days(three, -rng.gen_range(1..=540)),
                Term::NearExpiry => add_days(three, rng.gen_range(1..=180)),
                Term::New => add_days(today, -rng.gen_range(15..=330)),
                Term::FreshSecretary => add_days(today, -rng.gen_range(30..=200)),
                Term::Normal => rand_date(rng, add_days(three, 183), add_days(today, -10)),
                Term::Grade => {
                    let g = p.grade.unwrap_or(self.latest - 2);
                    rand_date(rng, ymd(g + 1, 9, 20), ymd(g + 1, 11, 30)).min(today)
                }
            };
            let est = match p.term {
                Term::New | Term::Grade => term,
                _ => {
                    let lo = unit_est.max(ymd(1985, 1, 1));
                    rand_date(rng, lo, add_years(term, -1)).min(term)
                }
            };
            let term = term.min(today);
            p.established = est.min(term);
            p.term_start = term;
            p.key = self.push_org(
                Some(parent),
                OrgKind::Branch,
                Some(p.category),
                p.name.clone(),
                p.established,
                Some(p.term_start),
            );
            // 党小组 in larger branches.
            let chance = match p.category {
                OrgCategory::Student | OrgCategory::Mixed => 0.25,
                _ => 0.5,
            };
            if p.size >= 18 && self.rng.gen_bool(chance) {
                let n = (p.size / 10).clamp(2, 5);
                for g in 0..n {
                    let key = self.push_org(
                        Some(p.key),
                        OrgKind::Group,
                        None,
                        format!("{}第{}党小组", p.name, names::cn_number(g + 1)),
                        p.term_start,
                        None,
                    );
                    p.groups.push(key);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // People and membership

    fn add_member(&mut self, bi: usize, slot: usize) {
        let (category, level, grade, counselor, mixed_teachers, max_full, branch_key) = {
            let p = &self.plans[bi];
            (p.category, p.level, p.grade, p.counselor, p.mixed_teachers, p.max_full, p.key)
        };
        let is_counselor = counselor && slot == 0;
        let rng = &mut self.rng;
        let cat = match category {
            OrgCategory::Teacher if rng.gen_bool(0.9) => PersonCategory::Teacher,
            OrgCategory::Teacher => PersonCategory::Staff,
            OrgCategory::Admin if rng.gen_bool(0.85) => PersonCategory::Staff,
            OrgCategory::Admin => PersonCategory::Teacher,
            OrgCategory::Retired => PersonCategory::Retired,
            OrgCategory::Student if is_counselor => PersonCategory::Staff,
            OrgCategory::Student => PersonCategory::Student,
            OrgCategory::Mixed if slot < mixed_teachers => PersonCategory::Teacher,
            OrgCategory::Mixed => PersonCategory::Student,
        };
        let female_pct = match (self.template, cat) {
            (Template::College(c), PersonCategory::Student) => c.female_pct,
            (_, PersonCategory::Teacher) => {
                if self.school {
                    65
                } else {
                    45
                }
            }
            (_, PersonCategory::Retired) => 42,
            _ => 50,
        };
        let gender = if rng.gen_range(0..100) < female_pct { Gender::Female } else { Gender::Male };
        let today = self.today;

        // Level, enrollment and birth date.
        let level = match level {
            Level::Graduate if rng.gen_bool(0.2) => Level::Doctor,
            Level::Graduate => Level::Master,
            l => l,
        };
        let student = cat == PersonCategory::Student;
        let enroll = if student {
            Some(match (level, grade) {
                (Level::Undergrad, Some(g)) if rng.gen_range(0..100) >= 8 => g,
                (Level::Undergrad, Some(_)) => self.latest - 1,
                (Level::Undergrad, None) => {
                    let r = rng.gen_range(0..100);
                    self.latest - [3, 2, 1][usize::from(r >= 45) + usize::from(r >= 85)]
                }
                (Level::Master, _) => self.latest - rng.gen_range(0..=2),
                _ => self.latest - rng.gen_range(0..=3),
            })
        } else {
            None
        };
        let mut birth = match (cat, enroll) {
            (PersonCategory::Student, Some(y)) => {
                let (lo_age, hi_age) = match level {
                    Level::Undergrad => (17.6, 19.4),
                    Level::Master => (21.5, 25.0),
                    _ => (23.5, 30.0),
                };
                let age: f64 = rng.gen_range(lo_age..hi_age);
                let b = add_days(ymd(y, 9, 1), -(age * 365.2425) as i64);
                b.max(add_days(add_years(today, -28), 1))
            }
            _ => {
                let (lo, hi) = match cat {
                    PersonCategory::Retired => {
                        let u: f64 = rng.gen_range(0.0..1.0);
                        let age = 60.0 + 30.0 * u * u.sqrt();
                        (age, age)
                    }
                    PersonCategory::Staff if is_counselor => (25.0, 38.0),
                    PersonCategory::Staff => (25.0, 60.0),
                    _ => (26.0, 62.0),
                };
                let age = if hi > lo { rng.gen_range(lo..hi) } else { lo };
                add_days(today, -((age * 365.2425) as i64) - rng.gen_range(0..30))
            }
        };
        birth = self.ids.align(birth);

        // Membership status and dates.
        let full_so_far =
            self.plans[bi].members.iter().filter(|&&m| self.members[m].status == MemberStatus::Full).count();
        let rng = &mut self.rng;
        let p_prob = match cat {
            PersonCategory::Student => 0.30,
            PersonCategory::Retired => 0.0,
            PersonCategory::Staff if is_counselor => 0.0,
            _ => 0.03,
        };
        let want_full = match max_full {
            Some(mf) => full_so_far < mf,
            None => !rng.gen_bool(p_prob),
        };
        // Earliest admission by category.
        let lo_cat = match (level, enroll) {
            (Level::Undergrad, Some(y)) => ymd(y + 1, 9, 1),
            (Level::Master, Some(y)) => ymd(y - 3, 9, 1),
            (_, Some(y)) => ymd(y - 7, 9, 1),
            _ => NaiveDate::MIN,
        };
        let mut bday18 = add_years(birth, 18);
        if bday18.max(lo_cat) > today {
            let shift = (bday18 - today).num_days() + rng.gen_range(30..=300);
            let shift = shift + (self.ids.m - shift.rem_euclid(self.ids.m)) % self.ids.m;
            birth = add_days(birth, -shift);
            bday18 = add_years(birth, 18);
        }
        let lo = bday18.max(lo_cat);
        let y1 = add_years(today, -1);
        // A typical admission date for staff: during their studies or as young employees.
        let typical = if student {
            None
        } else {
            let r = rng.gen_range(0..100);
            let mut age: f64 = match (cat, r) {
                (PersonCategory::Retired, _) => rng.gen_range(20.0..45.0),
                (_, 0..70) => rng.gen_range(18.5..24.5),
                (_, 70..92) => rng.gen_range(24.5..35.0),
                _ => rng.gen_range(35.0..50.0),
            };
            let now = (today - birth).num_days() as f64 / 365.2425;
            if age > now - 1.2 {
                age = rng.gen_range(18.2..(now - 1.1).max(18.3));
            }
            Some(add_days(birth, (age * 365.2425) as i64))
        };
        let mut joined = None;
        let mut full_on = None;
        if want_full {
            let extended = rng.gen_range(0..100) < 2;
            let hi = if extended { add_months(today, -18) } else { y1 };
            if lo <= hi {
                let j = match typical {
                    Some(t) => t.clamp(lo, hi),
                    None => rand_date(rng, lo, hi),
                };
                joined = Some(j);
                full_on = Some(if extended { add_months(j, 18) } else { add_years(j, 1) });
            }
        }
        let joined = match joined {
            Some(j) => j,
            None => {
                // Probationary; a few are overdue for conversion.
                let overdue_hi = add_days(y1, -10);
                if rng.gen_range(0..100) < 2 && lo <= overdue_hi {
                    rand_date(rng, lo.max(add_days(y1, -200)), overdue_hi)
                } else {
                    rand_date(rng, lo.max(add_days(y1, 1)), today)
                }
            }
        };
        let status = if full_on.is_some() { MemberStatus::Full } else { MemberStatus::Probationary };

        // Special status.
        let r = rng.gen_range(0..10_000);
        let (special, window) = match r {
            0..100 => (SpecialStatus::Mobile, (900, 20)),
            100..130 if rng.gen_bool(0.5) => (SpecialStatus::LostContact, (1500, 190)),
            100..130 => (SpecialStatus::LostContact, (170, 15)),
            130..180 => (SpecialStatus::Abroad, (1200, 30)),
            180..190 if status == MemberStatus::Full => (SpecialStatus::Suspended, (1800, 200)),
            _ => (SpecialStatus::Normal, (0, 0)),
        };
        let (special, since) = if special == SpecialStatus::Normal {
            (special, None)
        } else {
            let lo = add_days(today, -window.0).max(add_days(joined, 1));
            let hi = add_days(today, -window.1);
            if lo <= hi { (special, Some(rand_date(rng, lo, hi))) } else { (SpecialStatus::Normal, None) }
        };

        // Identity.
        let (birth, id_card_no) = self.assign_id(birth, gender);
        let person = self.make_person(cat, level, enroll, birth, gender, id_card_no, is_counselor);
        let person_idx = self.persons.len();
        self.persons.push(person);

        let groups = &self.plans[bi].groups;
        let org = if !groups.is_empty() && !is_counselor && self.rng.gen_bool(0.85) {
            groups[self.rng.gen_range(0..groups.len())]
        } else {
            branch_key
        };
        let mi = self.members.len();
        self.members.push(DemoMember {
            person: person_idx,
            org,
            status,
            joined_on: joined,
            full_on,
            special_status: special,
            special_status_since: since,
        });
        self.lower_bound.push(lo);
        self.counselor.push(is_counselor);
        self.plans[bi].members.push(mi);
    }

    /// Picks an unused (region, birth date, gender) triple of this unit and builds the number.
    fn assign_id(&mut self, mut birth: NaiveDate, gender: Gender) -> (NaiveDate, String) {
        let k = self.ids.k;
        let start = self.rng.gen_range(0..k);
        loop {
            let day = i64::from(birth.num_days_from_ce()) as u64;
            for j in 0..k {
                let (region, slot) = self.ids.region_slot((start + j) % k);
                let key = (day << 6) | ((region as u64) << 1) | u64::from(gender == Gender::Male);
                if self.used_ids.insert(key) {
                    return (birth, id_card_no(region, slot, birth, gender));
                }
            }
            birth = add_days(birth, -self.ids.m);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_person(
        &mut self,
        cat: PersonCategory,
        level: Level,
        enroll: Option<i32>,
        birth: NaiveDate,
        gender: Gender,
        id_card_no: String,
        counselor: bool,
    ) -> DemoPerson {
        let units = self.units;
        let unit = self.i;
        let school = self.school;
        let staff_no = match enroll {
            Some(y) => {
                let n = match self.next_s.iter_mut().find(|(yy, _)| *yy == y) {
                    Some((_, n)) => {
                        *n += 1;
                        *n - 1
                    }
                    None => {
                        self.next_s.push((y, 1));
                        0
                    }
                };
                format!("S{y}{:06}", n * units + unit + 1)
            }
            None => {
                self.next_t += 1;
                format!("T{:06}", (self.next_t - 1) * units + unit + 1)
            }
        };
        let rng = &mut self.rng;
        let age = (self.today - birth).num_days() as f64 / 365.2425;
        let w = |rng: &mut StdRng, table: &[(u32, Education)]| {
            let total: u32 = table.iter().map(|x| x.0).sum();
            let mut r = rng.gen_range(0..total.max(1));
            for &(wt, e) in table {
                if r < wt {
                    return e;
                }
                r -= wt;
            }
            Education::Bachelor
        };
        use Education as E;
        let education = match cat {
            PersonCategory::Student => match level {
                Level::Undergrad => E::Bachelor,
                Level::Master => E::Master,
                _ => E::Doctorate,
            },
            PersonCategory::Teacher if school => w(rng, &[(2, E::Doctorate), (43, E::Master), (55, E::Bachelor)]),
            PersonCategory::Teacher if age < 45.0 => w(rng, &[(70, E::Doctorate), (27, E::Master), (3, E::Bachelor)]),
            PersonCategory::Teacher => w(rng, &[(40, E::Doctorate), (35, E::Master), (25, E::Bachelor)]),
            PersonCategory::Staff if counselor => w(rng, &[(5, E::Doctorate), (85, E::Master), (10, E::Bachelor)]),
            PersonCategory::Staff => {
                w(rng, &[(5, E::Doctorate), (45, E::Master), (40, E::Bachelor), (10, E::Associate)])
            }
            PersonCategory::Retired => {
                w(rng, &[(8, E::Doctorate), (12, E::Master), (45, E::Bachelor), (20, E::Associate), (15, E::Secondary)])
            }
        };
        let title_table: &[u32; 5] = match cat {
            PersonCategory::Student => &[0, 0, 0, 0, 1],
            PersonCategory::Teacher if school => &[3, 30, 50, 17, 0],
            PersonCategory::Teacher if age < 35.0 => &[2, 15, 60, 23, 0],
            PersonCategory::Teacher if age < 45.0 => &[12, 40, 43, 5, 0],
            PersonCategory::Teacher => &[30, 45, 23, 2, 0],
            PersonCategory::Staff if counselor => &[0, 5, 45, 40, 10],
            PersonCategory::Staff => &[1, 10, 45, 30, 14],
            PersonCategory::Retired => &[15, 30, 35, 10, 10],
        };
        let titles = [Title::Senior, Title::AssociateSenior, Title::Intermediate, Title::Junior, Title::NoTitle];
        let total: u32 = title_table.iter().sum();
        let mut r = rng.gen_range(0..total.max(1));
        let mut title = Title::NoTitle;
        for (t, &wt) in titles.iter().zip(title_table) {
            if r < wt {
                title = *t;
                break;
            }
            r -= wt;
        }
        let name = person_name(rng, gender, birth.year());
        let ethnicity = pick_weighted(rng, names::ETHNICITIES).to_string();
        let phone = format!("{}{:08}", pick(rng, names::PHONE_PREFIXES), rng.gen_range(0..100_000_000u32));
        DemoPerson {
            name,
            gender,
            ethnicity,
            birth_date: birth,
            id_card_no,
            staff_no,
            education,
            title,
            category: cat,
            phone,
            enrollment_year: enroll,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Committees

    /// Ranking score for secretaries: counselors first, then staff by title, students last.
    fn seniority(&self, mi: usize) -> u32 {
        let p = &self.persons[self.members[mi].person];
        let title = match p.title {
            Title::Senior => 4,
            Title::AssociateSenior => 3,
            Title::Intermediate => 2,
            Title::Junior => 1,
            Title::NoTitle => 0,
        };
        if self.counselor[mi] {
            20
        } else if p.category == PersonCategory::Student {
            0
        } else {
            10 + title
        }
    }

    /// Full members of `pool` in normal status, preferring those already full at `at`.
    fn eligible(&self, pool: &[usize], at: NaiveDate, want: usize) -> Vec<usize> {
        let normal_full: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|&m| {
                let mm = &self.members[m];
                mm.status == MemberStatus::Full && mm.special_status == SpecialStatus::Normal
            })
            .collect();
        let at_term: Vec<usize> =
            normal_full.iter().copied().filter(|&m| self.members[m].full_on.is_some_and(|f| f <= at)).collect();
        if at_term.len() >= want { at_term } else { normal_full }
    }

    /// Chooses a secretary and `others` further members at random. The secretary is a counselor
    /// if there is one, otherwise the most senior of a few random candidates, preferring members
    /// who have been full members for at least a year.
    fn choose(&mut self, mut cands: Vec<usize>, others: usize) -> Vec<usize> {
        if cands.is_empty() {
            return cands;
        }
        cands.shuffle(&mut self.rng);
        let year_ago = add_years(self.today, -1);
        let settled = |m: &usize| self.members[*m].full_on.is_some_and(|f| f <= year_ago);
        let counselor = cands.iter().position(|&m| self.counselor[m] && settled(&m));
        let top = counselor.unwrap_or_else(|| {
            cands
                .iter()
                .enumerate()
                .filter(|(_, m)| settled(m))
                .take(5)
                .max_by_key(|(_, m)| self.seniority(**m))
                .map_or(0, |(idx, _)| idx)
        });
        cands.swap(0, top);
        cands.truncate(1 + others);
        cands
    }

    fn add_positions(&mut self, org: usize, chosen: &[usize], roles: &[PositionRole], start: NaiveDate) {
        for (&member, &role) in chosen.iter().zip(roles) {
            self.positions.push(DemoPosition { org, member, role, start_on: start, end_on: None });
        }
    }

    fn branch_committee(&mut self, bi: usize) {
        use PositionRole as R;
        let (key, term, pool, no_committee, fresh, category, established) = {
            let p = &self.plans[bi];
            (
                p.key,
                p.term_start,
                p.members.clone(),
                p.no_committee,
                p.term == Term::FreshSecretary,
                p.category,
                p.established,
            )
        };
        let n_full = pool.iter().filter(|&&m| self.members[m].status == MemberStatus::Full).count();
        let roles: Vec<R> = if n_full >= 7 {
            if no_committee {
                // Deliberately missing committee: a lone secretary, or nobody at all.
                if self.rng.gen_bool(0.6) { vec![R::Secretary] } else { Vec::new() }
            } else {
                match (n_full, self.rng.gen_range(0..10)) {
                    (15.., 0..7) => vec![
                        R::Secretary,
                        R::DeputySecretary,
                        R::OrganizationMember,
                        R::PublicityMember,
                        R::DisciplineMember,
                    ],
                    (_, 0..1) => vec![R::Secretary, R::DeputySecretary, R::OrganizationMember, R::PublicityMember],
                    (_, 1..4) => vec![R::Secretary, R::DeputySecretary, R::PublicityMember],
                    _ => vec![R::Secretary, R::OrganizationMember, R::PublicityMember],
                }
            }
        } else if n_full >= 1 {
            vec![R::Secretary]
        } else {
            Vec::new()
        };
        if roles.is_empty() {
            return;
        }
        let cands = self.eligible(&pool, term, roles.len());
        let chosen = self.choose(cands, roles.len() - 1);
        if chosen.is_empty() {
            return;
        }
        if fresh {
            // The secretary became a full member less than a year ago (converted just before the
            // election), if that fits their age and studies.
            let sec = chosen[0];
            let conv = add_days(term, -self.rng.gen_range(10..=120));
            let joined = add_years(conv, -1);
            let m = &self.members[sec];
            if joined >= self.lower_bound[sec]
                && joined > m.joined_on
                && conv > add_years(self.today, -1)
                && m.special_status == SpecialStatus::Normal
            {
                let m = &mut self.members[sec];
                m.joined_on = joined;
                m.full_on = Some(add_years(joined, 1));
            }
        }
        self.add_positions(key, &chosen, &roles, term);

        // Predecessor secretary of the previous term in long-standing non-student branches.
        let prev_start = add_years(term, -3);
        if category != OrgCategory::Student
            && category != OrgCategory::Mixed
            && established <= prev_start
            && self.rng.gen_bool(0.25)
        {
            let prev: Vec<usize> = self
                .eligible(&pool, prev_start, usize::MAX)
                .into_iter()
                .filter(|m| *m != chosen[0] && self.members[*m].full_on.is_some_and(|f| f <= prev_start))
                .collect();
            if let Some(&m) = prev.choose(&mut self.rng) {
                self.positions.push(DemoPosition {
                    org: key,
                    member: m,
                    role: R::Secretary,
                    start_on: prev_start,
                    end_on: Some(term),
                });
            }
        }
    }

    /// Committees of inner 党总支 and of the unit itself.
    fn upper_committees(&mut self) {
        use PositionRole as R;
        let gb_keys: Vec<usize> =
            self.orgs.iter().filter(|o| o.kind == OrgKind::GeneralBranch && o.key != 0).map(|o| o.key).collect();
        for gb in gb_keys {
            let pool: Vec<usize> = self
                .plans
                .iter()
                .filter(|p| self.orgs[p.key].parent == Some(gb))
                .flat_map(|p| p.members.iter().copied())
                .collect();
            let term = self.orgs[gb].term_start.unwrap_or(self.today);
            let mut cands = self.eligible(&pool, term, 3);
            // Prefer teachers and counselors; students only when there are too few.
            let staff: Vec<usize> = cands.iter().copied().filter(|&m| self.seniority(m) > 0).collect();
            if staff.len() >= 3 {
                cands = staff;
            }
            let chosen = self.choose(cands, 2);
            self.add_positions(gb, &chosen, &[R::Secretary, R::CommitteeMember, R::CommitteeMember], term);
        }

        // The unit: 书记, one or two 副书记 and a few 委员 from its staff members.
        let pool: Vec<usize> = (0..self.members.len())
            .filter(|&m| {
                let c = self.persons[self.members[m].person].category;
                c != PersonCategory::Student
            })
            .collect();
        let term = self.orgs[0].term_start.unwrap_or(self.today);
        let mut roles = vec![R::Secretary, R::DeputySecretary];
        if self.rng.gen_bool(0.6) {
            roles.push(R::DeputySecretary);
        }
        for _ in 0..self.rng.gen_range(2..=4) {
            roles.push(R::CommitteeMember);
        }
        let holders: HashSet<usize> = self.positions.iter().map(|p| p.member).collect();
        let free: Vec<usize> = pool.iter().copied().filter(|m| !holders.contains(m)).collect();
        let mut cands = self.eligible(&free, term, roles.len());
        if cands.len() < roles.len() {
            cands = self.eligible(&pool, term, roles.len());
        }
        let chosen = self.choose(cands, roles.len() - 1);
        self.add_positions(0, &chosen, &roles, term);
    }
}

/// A plausible Chinese name: a weighted surname and a one- or two-character given name whose
/// style follows the birth year.
fn person_name(rng: &mut StdRng, gender: Gender, birth_year: i32) -> String {
    let surname = pick_weighted(rng, names::SURNAMES);
    let (pool, single) = match (gender, birth_year) {
        (Gender::Male, ..1970) => (names::MALE_OLD, 0.35),
        (Gender::Male, 1970..1990) => (names::MALE_MID, 0.25),
        (Gender::Male, _) => (names::MALE_YOUNG, 0.12),
        (Gender::Female, ..1970) => (names::FEMALE_OLD, 0.35),
        (Gender::Female, 1970..1990) => (names::FEMALE_MID, 0.25),
        (Gender::Female, _) => (names::FEMALE_YOUNG, 0.12),
    };
    let a = pick(rng, pool);
    if rng.gen_bool(single) {
        return format!("{surname}{a}");
    }
    if gender == Gender::Female && birth_year >= 1980 && rng.gen_bool(0.03) {
        return format!("{surname}{a}{a}");
    }
    let mut b = pick(rng, pool);
    for _ in 0..3 {
        if b != a {
            break;
        }
        b = pick(rng, pool);
    }
    format!("{surname}{a}{b}")
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
