//! Closed vocabularies of the domain. Each value has one English identifier (GLOSSARY.md),
//! stored as that string in the database and JSON, and one Chinese label for people.

/// Defines a string-backed enum with `as_str`, `parse`, `label` and `ALL`.
macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $id:literal => $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(
            #[doc = $zh]
            $variant
        ),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The identifier stored in the database and used in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }
            /// The Chinese label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            /// Parses an identifier or a Chinese label (imports use labels).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                match s { $($id | $zh => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::domain::enums::Stored for $name {
            fn from_stored(s: &str) -> Result<Self, $crate::domain::enums::UnknownValue> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err($crate::domain::enums::UnknownValue { kind: stringify!($name), value: s.to_string() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use str_enum;

/// A stored value that is not one of its vocabulary's identifiers (data written by something
/// else, or by an older or newer binary): an error, never a default that passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The vocabulary (Rust type name), e.g. `MemberStatus`.
    pub kind: &'static str,
    /// The value found.
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown stored {} value {:?}", self.kind, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// Parsing of values read from storage: only the exact identifier (no labels, no trimming).
pub trait Stored: Sized {
    /// The value for a stored identifier, or [`UnknownValue`].
    fn from_stored(s: &str) -> Result<Self, UnknownValue>;
}

str_enum!(
    /// Kind of party organization (RULES.md §3–4).
    OrgKind {
        UniversityCommittee = "university_committee" => "校党委",
        CollegeCommittee = "college_committee" => "院级党委",
        GeneralBranch = "general_branch" => "党总支",
        Branch = "branch" => "党支部",
        Group = "group" => "党小组",
    }
);

impl OrgKind {
    /// Which kinds may sit directly under this one.
    pub fn allowed_children(self) -> &'static [OrgKind] {
        match self {
            OrgKind::UniversityCommittee => &[OrgKind::CollegeCommittee, OrgKind::GeneralBranch, OrgKind::Branch],
            OrgKind::CollegeCommittee => &[OrgKind::GeneralBranch, OrgKind::Branch],
            OrgKind::GeneralBranch => &[OrgKind::Branch],
            OrgKind::Branch => &[OrgKind::Group],
            OrgKind::Group => &[],
        }
    }
    /// A 党委 (and only a 党委) may approve new members (R1.19).
    pub fn is_committee(self) -> bool {
        matches!(self, OrgKind::UniversityCommittee | OrgKind::CollegeCommittee)
    }
}

str_enum!(
    /// Category of a branch by its members.
    OrgCategory {
        Teacher = "teacher" => "教工",
        Student = "student" => "学生",
        Admin = "admin" => "机关",
        Retired = "retired" => "离退休",
        Mixed = "mixed" => "师生联合",
    }
);

str_enum!(
    /// A person's category at the university.
    PersonCategory {
        Teacher = "teacher" => "教师",
        Student = "student" => "学生",
        Staff = "staff" => "职工",
        Retired = "retired" => "离退休",
    }
);

str_enum!(
    /// Gender as recorded on the 身份证.
    Gender {
        Male = "male" => "男",
        Female = "female" => "女",
    }
);

str_enum!(
    /// Highest education.
    Education {
        Doctorate = "doctorate" => "博士研究生",
        Master = "master" => "硕士研究生",
        Bachelor = "bachelor" => "大学本科",
        Associate = "associate" => "大学专科",
        Secondary = "secondary" => "高中及以下",
    }
);

str_enum!(
    /// Professional title (专业技术职称).
    Title {
        Senior = "senior" => "正高级",
        AssociateSenior = "associate_senior" => "副高级",
        Intermediate = "intermediate" => "中级",
        Junior = "junior" => "初级",
        NoTitle = "none" => "无",
    }
);

str_enum!(
    /// Membership stage (党章§7).
    MemberStatus {
        Probationary = "probationary" => "预备党员",
        Full = "full" => "正式党员",
    }
);

str_enum!(
    /// Special membership statuses (RULES.md §5.9).
    SpecialStatus {
        Normal = "normal" => "正常",
        Mobile = "mobile" => "流动党员",
        LostContact = "lost_contact" => "失联党员",
        Suspended = "suspended" => "停止党籍",
        Abroad = "abroad" => "出国(境)",
        GraduateRetained = "graduate_retained" => "毕业生保留组织关系",
    }
);

str_enum!(
    /// Positions in a party organization's committee.
    PositionRole {
        Secretary = "secretary" => "书记",
        DeputySecretary = "deputy_secretary" => "副书记",
        OrganizationMember = "organization_member" => "组织委员",
        PublicityMember = "publicity_member" => "宣传委员",
        DisciplineMember = "discipline_member" => "纪检委员",
        CommitteeMember = "committee_member" => "委员",
    }
);

str_enum!(
    /// What a user may do, and where (DESIGN.md §4).
    Role {
        SchoolAdmin = "school_admin" => "组织部管理员",
        UnitAdmin = "unit_admin" => "院级党委管理员",
        BranchAdmin = "branch_admin" => "党支部管理员",
        Inspector = "inspector" => "督查组",
        Member = "member" => "党员",
    }
);

impl Role {
    /// Roles that may change data (inspectors and members only read).
    pub fn can_write(self) -> bool {
        matches!(self, Role::SchoolAdmin | Role::UnitAdmin | Role::BranchAdmin)
    }
    /// Roles that may see unmasked 身份证号 and phone numbers.
    pub fn sees_personal_data(self) -> bool {
        matches!(self, Role::SchoolAdmin | Role::UnitAdmin | Role::BranchAdmin)
    }
}

str_enum!(
    /// Kind of 党纪处分 (《中国共产党纪律处分条例》 (2023) 第八条).
    PenaltyKind {
        Warning = "warning" => "警告",
        SeriousWarning = "serious_warning" => "严重警告",
        RemovalFromPost = "removal_from_post" => "撤销党内职务",
        Probation = "probation" => "留党察看",
        Expulsion = "expulsion" => "开除党籍",
    }
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_identifier_and_label() {
        assert_eq!(OrgKind::parse("branch"), Some(OrgKind::Branch));
        assert_eq!(OrgKind::parse("党支部"), Some(OrgKind::Branch));
        assert_eq!(OrgKind::parse(" 党总支 "), Some(OrgKind::GeneralBranch));
        assert_eq!(OrgKind::parse("支部"), None);
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn stored_values_parse_strictly() {
        assert_eq!(MemberStatus::from_stored("full"), Ok(MemberStatus::Full));
        assert_eq!(OrgKind::from_stored("branch"), Ok(OrgKind::Branch));
        // Unknown, blank, a label or a padded identifier in storage is an error, not a default.
        for bad in ["", "fulll", "正式党员", " full", "FULL"] {
            let e = MemberStatus::from_stored(bad).unwrap_err();
            assert_eq!((e.kind, e.value.as_str()), ("MemberStatus", bad));
        }
        for bad in ["", "branch_x", "党支部"] {
            assert!(OrgKind::from_stored(bad).is_err(), "{bad}");
        }
        assert!(SpecialStatus::from_stored("unknown").is_err());
        assert!(Gender::from_stored("m").is_err());
        assert!(Role::from_stored("root").is_err());
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::from_stored(k.as_str()), Ok(*k));
        }
        for k in SpecialStatus::ALL {
            assert_eq!(SpecialStatus::from_stored(k.as_str()), Ok(*k));
        }
    }

    #[test]
    fn only_committees_approve() {
        assert!(OrgKind::CollegeCommittee.is_committee());
        assert!(!OrgKind::GeneralBranch.is_committee());
        assert!(!OrgKind::Branch.is_committee());
    }
}
