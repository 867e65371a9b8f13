//! Planning a unit's branches (kinds, sizes, terms) and creating its org rows.

use super::*;

impl<'a> UnitGen<'a> {
    pub(super) fn college_plans(&mut self, c: &College, n_b: usize) -> Vec<Plan> {
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

    pub(super) fn general_plans(&mut self, g: &GeneralUnit, n_b: usize) -> Vec<Plan> {
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
    pub(super) fn size_and_term(&mut self, p: &mut Plan) {
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
    pub(super) fn cap_non_students(&self, plans: &mut [Plan]) {
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

    pub(super) fn push_branch_orgs(&mut self, plans: &mut [Plan], unit_est: NaiveDate) {
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
}
