//! Generating people, their memberships and committee seats for a unit.

use super::*;

impl<'a> UnitGen<'a> {
    pub(super) fn add_member(&mut self, bi: usize, slot: usize) {
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
            190..200 if cat == PersonCategory::Student => (SpecialStatus::GraduateRetained, (1000, 30)),
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
    pub(super) fn assign_id(&mut self, mut birth: NaiveDate, gender: Gender) -> (NaiveDate, String) {
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
    pub(super) fn make_person(
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
    pub(super) fn seniority(&self, mi: usize) -> u32 {
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
    pub(super) fn eligible(&self, pool: &[usize], at: NaiveDate, want: usize) -> Vec<usize> {
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
    pub(super) fn choose(&mut self, mut cands: Vec<usize>, others: usize) -> Vec<usize> {
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

    pub(super) fn add_positions(&mut self, org: usize, chosen: &[usize], roles: &[PositionRole], start: NaiveDate) {
        for (&member, &role) in chosen.iter().zip(roles) {
            self.positions.push(DemoPosition { org, member, role, start_on: start, end_on: None });
        }
    }

    pub(super) fn branch_committee(&mut self, bi: usize) {
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
    pub(super) fn upper_committees(&mut self) {
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
pub(super) fn person_name(rng: &mut StdRng, gender: Gender, birth_year: i32) -> String {
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
