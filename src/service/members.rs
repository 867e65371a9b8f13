//! Member use cases: create, edit, transfer, status change, profile.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::idcard::IdCardNo;
use crate::domain::{Education, Gender, MemberStatus, OrgKind, PersonCategory, SpecialStatus, Title};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::members::{self as repo, MemberDetail, MembershipFields, PeriodRow, PersonFields, StatusEventRow};
use crate::repo::orgs::{self as orgs_repo, OrgRow, PositionRow};
use crate::rules::Finding;
use crate::rules::member::{MemberFacts, check_member, validate_member};
use crate::rules::member_edit::{OwningCase, WorkflowFields, check_workflow_fields, left_member};
use crate::service::require_write;

/// A member record as entered (create and full edit).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MemberInput {
    /// Name.
    pub name: String,
    /// Gender (read from the 身份证号 when omitted).
    pub gender: Option<Gender>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Birth date (read from the 身份证号 when omitted).
    pub birth_date: Option<NaiveDate>,
    /// 身份证号.
    pub id_card_no: Option<String>,
    /// 工号/学号.
    pub staff_no: Option<String>,
    /// Education.
    pub education: Option<Education>,
    /// Title.
    pub title: Option<Title>,
    /// Category.
    pub category: Option<PersonCategory>,
    /// Phone.
    pub phone: Option<String>,
    /// Enrollment year (students).
    pub enrollment_year: Option<i64>,
    /// Branch or group (create only; use a transfer to move).
    pub org_id: Option<i64>,
    /// Stage.
    pub status: Option<MemberStatus>,
    /// Joined (branch resolution date).
    pub joined_on: Option<NaiveDate>,
    /// Full since (党龄 start).
    pub full_on: Option<NaiveDate>,
    /// Special status (default 正常).
    pub special_status: Option<SpecialStatus>,
    /// Since when.
    pub special_status_since: Option<NaiveDate>,
    /// 修改理由: required when an edit changes the stage, joined or full date of a member without a
    /// development case (historic record); recorded in the audit log. Ignored on create.
    pub reason: Option<String>,
}

/// Move a member to another branch inside the university (组织关系转接).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = MemberTransferInput)]
pub struct TransferInput {
    /// Target branch or group.
    pub to_org_id: i64,
    /// Effective date.
    pub on: NaiveDate,
    /// Reason.
    pub reason: String,
}

/// Change a member's special status (RULES.md §5.9).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StatusInput {
    /// New status.
    pub special_status: SpecialStatus,
    /// Since when (流动党员: the day the member went away; 毕业生保留组织关系: the graduation date).
    pub since: NaiveDate,
    /// Note.
    pub note: Option<String>,
    /// 流动党员: holds a 流动党员活动证 (R5.4); ignored for other statuses.
    #[serde(default)]
    pub mobile_certificate: bool,
}

/// Checks a person's name and 身份证号 (shared by members and development cases): the trimmed name
/// and the parsed number, with field errors recorded in `errs`.
pub fn check_identity(
    name: &str,
    id_card_no: &Option<String>,
    errs: &mut BTreeMap<String, String>,
) -> (String, Option<IdCardNo>) {
    let name = name.trim().to_string();
    if name.is_empty() {
        errs.insert("name".into(), "姓名不能为空".into());
    } else if name.chars().count() > 40 {
        errs.insert("name".into(), "姓名不能超过40个字".into());
    }
    let id_card = match opt_trim(id_card_no) {
        Some(s) => match IdCardNo::parse(&s) {
            Ok(id) => Some(id),
            Err(e) => {
                errs.insert("id_card_no".into(), e.message_zh().to_string());
                None
            }
        },
        None => None,
    };
    (name, id_card)
}

/// Empty or blank text becomes None; other text is trimmed.
pub fn opt_trim(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Validated person and membership fields of an input, or field errors / rule findings.
pub fn validate(input: &MemberInput, today: NaiveDate) -> AppResult<(PersonFields, MembershipFields)> {
    let mut errs: BTreeMap<String, String> = BTreeMap::new();
    let (name, id_card) = check_identity(&input.name, &input.id_card_no, &mut errs);
    let birth_date = input.birth_date.or(id_card.as_ref().map(|i| i.birth_date()));
    let gender = input.gender.or(id_card.as_ref().map(|i| i.gender()));
    // When the 身份证号 itself is wrong, its message is the one to fix; do not repeat it on the
    // fields it would have filled.
    let id_bad = errs.contains_key("id_card_no");
    if birth_date.is_none() && !id_bad {
        errs.insert("birth_date".into(), "请填写出生日期或有效的身份证号".into());
    }
    if gender.is_none() && !id_bad {
        errs.insert("gender".into(), "请选择性别或填写有效的身份证号".into());
    }
    if input.category.is_none() {
        errs.insert("category".into(), "请选择人员类别".into());
    }
    if input.status.is_none() {
        errs.insert("status".into(), "请选择党员类别（预备党员/正式党员）".into());
    }
    if input.joined_on.is_none() {
        errs.insert("joined_on".into(), "请填写入党日期".into());
    }
    let phone = opt_trim(&input.phone);
    if let Some(p) = &phone
        && !(p.len() == 11 && p.starts_with('1') && p.chars().all(|c| c.is_ascii_digit()))
    {
        errs.insert("phone".into(), "手机号应为以1开头的11位数字".into());
    }
    if let Some(y) = input.enrollment_year
        && !(1950..=2100).contains(&y)
    {
        errs.insert("enrollment_year".into(), "入学年份无效".into());
    }
    let staff_no = opt_trim(&input.staff_no);
    if staff_no.as_deref().is_some_and(|s| s.chars().count() > 30) {
        errs.insert("staff_no".into(), "工号/学号不能超过30个字符".into());
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let (Some(birth_date), Some(gender), Some(category), Some(status), Some(joined_on)) =
        (birth_date, gender, input.category, input.status, input.joined_on)
    else {
        return Err(AppError::invalid(errs));
    };
    let special = input.special_status.unwrap_or(SpecialStatus::Normal);
    let facts = MemberFacts {
        member_id: 0,
        name: name.clone(),
        birth_date,
        status,
        joined_on,
        full_on: input.full_on,
        org_kind: Some(OrgKind::Branch),
        special_status: special,
        special_status_since: input.special_status_since,
        mobile_certificate: false,
        id_card: id_card.as_ref().map(|i| (i.birth_date(), i.gender())),
        gender,
    };
    let blocks: Vec<Finding> =
        validate_member(&facts, today).into_iter().filter(|f| f.severity == crate::rules::Severity::Block).collect();
    if !blocks.is_empty() {
        return Err(AppError::from_findings(blocks));
    }
    Ok((
        PersonFields {
            name,
            gender,
            ethnicity: opt_trim(&input.ethnicity),
            birth_date,
            id_card_no: id_card.map(|i| i.as_str().to_string()),
            staff_no,
            education: input.education,
            title: input.title,
            category,
            phone,
            enrollment_year: input.enrollment_year,
        },
        MembershipFields {
            status,
            joined_on,
            full_on: input.full_on,
            special_status: special,
            special_status_since: if special == SpecialStatus::Normal {
                None
            } else {
                input.special_status_since.or(Some(today))
            },
        },
    ))
}

/// Resolves a target org for membership: it must be a live branch or group in scope.
pub async fn member_org(conn: &mut Conn, scope: &Scope, org_id: i64, field: &str) -> AppResult<OrgRow> {
    let org = orgs_repo::get(conn, scope, org_id)
        .await?
        .ok_or_else(|| AppError::invalid_field(field, "所选组织不存在或不在您的管理范围内"))?;
    if !matches!(org.kind, OrgKind::Branch | OrgKind::Group) {
        return Err(AppError::invalid_field(field, "党员须编入党支部或党小组（党章第八条）").with_rule("R2.3"));
    }
    if org.dissolved_on.is_some() {
        return Err(AppError::invalid_field(field, "所选组织已撤销"));
    }
    Ok(org)
}

/// Creates a person and their membership in one transaction.
pub async fn create(db: &Db, scope: &Scope, input: MemberInput) -> AppResult<MemberDetail> {
    require_write(scope)?;
    let today = crate::util::today();
    let (person, membership) = validate(&input, today)?;
    let org_id = input.org_id.ok_or_else(|| AppError::invalid_field("org_id", "请选择所在党支部"))?;
    let mut w = db.begin_write().await?;
    let org = member_org(&mut w.tx, scope, org_id, "org_id").await?;
    let id = insert_validated(&mut w.tx, &person, &membership, &org).await?;
    let detail = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "member",
            entity_id: Some(id),
            org_path: Some(&org.path),
            summary: format!("新增党员{}（{}）", person.name, org.name),
            before: None,
            after: json(&detail),
        },
    )
    .await?;
    w.commit().await?;
    Ok(detail)
}

/// Inserts already-validated fields (shared by create and import).
pub async fn insert_validated(
    conn: &mut Conn,
    person: &PersonFields,
    m: &MembershipFields,
    org: &OrgRow,
) -> AppResult<i64> {
    let person_id = repo::insert_person(conn, person).await?;
    let sort_key = crate::util::pinyin_sort_key(&person.name);
    let id = repo::insert_member(conn, person_id, org.id, &org.path, m, &sort_key).await?;
    if m.special_status != SpecialStatus::Normal {
        repo::insert_status_event(
            conn,
            id,
            "special_status",
            None,
            m.special_status.as_str(),
            m.special_status_since.unwrap_or(m.joined_on),
            Some("建档时登记"),
        )
        .await?;
    }
    Ok(id)
}

/// Refuses a write to a member who has left (`left_on` set): the record is history only.
fn refuse_left(before: &MemberDetail) -> AppResult<()> {
    match before.left_on {
        Some(left_on) => Err(AppError::from_findings(vec![left_member(
            before.row.id,
            &before.row.name,
            left_on,
            before.exit_reason.as_deref(),
        )])
        .with_code("member_left", 422)),
        None => Ok(()),
    }
}

/// The development case owning a member's stage and dates, if the member came through one.
async fn owning_case(conn: &mut Conn, person_id: i64) -> AppResult<Option<OwningCase>> {
    Ok(crate::repo::development::owning_case_of_person(conn, person_id)
        .await?
        .map(|(case_id, open)| OwningCase { case_id, open }))
}

/// The id of the development case that owns a member's stage and dates (the edit form shows
/// them as the workflow's), `None` for a historic record.
pub async fn owning_case_id(db: &Db, scope: &Scope, id: i64) -> AppResult<Option<i64>> {
    let mut conn = db.pool.acquire().await?;
    let member = repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?;
    Ok(owning_case(&mut conn, member.row.person_id).await?.map(|c| c.case_id))
}

/// Edits a member's person and membership fields (the branch changes only by transfer).
///
/// Stage, joined and full date belong to the development workflow for a member who came through
/// a case (R1.23–R1.26: 422 naming the field); for a historic record they may be corrected with
/// a `reason`, which the audit row records. A member who has left cannot be edited.
pub async fn update(db: &Db, scope: &Scope, id: i64, input: MemberInput) -> AppResult<MemberDetail> {
    require_write(scope)?;
    let today = crate::util::today();
    let reason = opt_trim(&input.reason);
    if reason.as_deref().is_some_and(|r| r.chars().count() > 500) {
        return Err(AppError::invalid_field("reason", "修改理由不能超过500个字"));
    }
    let mut w = db.begin_write().await?;
    let before = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    refuse_left(&before)?;
    let owner = owning_case(&mut w.tx, before.row.person_id).await?;
    let was =
        WorkflowFields { status: before.row.status, joined_on: before.row.joined_on, full_on: before.row.full_on };
    // What the workflow owns is judged first: a blank stage or joined date is "not changed" here
    // and reported as missing by `validate`.
    let typed = WorkflowFields {
        status: input.status.unwrap_or(was.status),
        joined_on: input.joined_on.unwrap_or(was.joined_on),
        full_on: input.full_on,
    };
    if owner.is_some() {
        let refused = check_workflow_fields(id, &before.row.name, &was, &typed, owner, None);
        if !refused.is_empty() {
            return Err(AppError::from_findings(refused));
        }
    }
    let (person, membership) = validate(&input, today)?;
    let entered =
        WorkflowFields { status: membership.status, joined_on: membership.joined_on, full_on: membership.full_on };
    let refused = check_workflow_fields(id, &before.row.name, &was, &entered, owner, reason.as_deref());
    if !refused.is_empty() {
        return Err(AppError::from_findings(refused));
    }
    let owned_changed = was != entered;
    repo::update_person(&mut w.tx, before.row.person_id, &person).await?;
    repo::update_membership(&mut w.tx, id, &membership).await?;
    let note = if owned_changed { reason.as_deref() } else { None };
    if before.row.status != membership.status {
        repo::insert_status_event(
            &mut w.tx,
            id,
            "status",
            Some(before.row.status.as_str()),
            membership.status.as_str(),
            membership.full_on.unwrap_or(today),
            note,
        )
        .await?;
    }
    if before.row.special_status != membership.special_status {
        repo::insert_status_event(
            &mut w.tx,
            id,
            "special_status",
            Some(before.row.special_status.as_str()),
            membership.special_status.as_str(),
            membership.special_status_since.unwrap_or(today),
            None,
        )
        .await?;
    }
    let after = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    let mut summary = format!("修改党员{}的信息", after.row.name);
    if owned_changed && let Some(r) = &reason {
        summary.push_str(&format!(
            "；党员类别/入党日期/转正日期由 {}/{}/{} 改为 {}/{}/{}，修改理由：{r}",
            was.status.label(),
            was.joined_on,
            was.full_on.map_or("—".to_string(), |d| d.to_string()),
            entered.status.label(),
            entered.joined_on,
            entered.full_on.map_or("—".to_string(), |d| d.to_string()),
        ));
    }
    let after_json = json(&after).map(|mut v| {
        if owned_changed && let (Some(obj), Some(r)) = (v.as_object_mut(), &reason) {
            obj.insert("reason".into(), serde_json::Value::String(r.clone()));
        }
        v
    });
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "member",
            entity_id: Some(id),
            org_path: Some(&after.org_path),
            summary,
            before: json(&before),
            after: after_json,
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Transfers a member to another branch or group in scope, keeping the history. The person's open
/// development case follows in the same transaction, with its own audit row (issue 8 part 2).
pub async fn transfer(db: &Db, scope: &Scope, id: i64, t: TransferInput) -> AppResult<MemberDetail> {
    require_write(scope)?;
    let reason = t.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid_field("reason", "请填写转接原因"));
    }
    let mut w = db.begin_write().await?;
    let before = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    refuse_left(&before)?;
    let to = member_org(&mut w.tx, scope, t.to_org_id, "to_org_id").await?;
    let after = move_member(&mut w.tx, scope, &before, &to, t.on, reason, "on").await?;
    let case_moved =
        crate::service::development::transfer::follow_member(&mut w.tx, scope, before.row.person_id, &to, t.on, reason)
            .await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "transfer",
            entity: "member",
            entity_id: Some(id),
            org_path: Some(&to.path),
            summary: format!(
                "{}组织关系由「{}」转入「{}」（{}，{}）{}",
                before.row.name,
                before.row.org_name,
                to.name,
                t.on,
                reason,
                if case_moved { "；发展档案随转" } else { "" }
            ),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Moves a member (already read in scope) to `to` on `on` inside an open transaction: the
/// membership periods, the org columns and the committee seats outside the new org. The caller
/// writes the audit row. `field` names the date field of the caller's form in refusals.
pub(crate) async fn move_member(
    conn: &mut Conn,
    scope: &Scope,
    before: &MemberDetail,
    to: &OrgRow,
    on: NaiveDate,
    reason: &str,
    field: &str,
) -> AppResult<MemberDetail> {
    let id = before.row.id;
    if to.id == before.row.org_id {
        return Err(AppError::invalid_field("to_org_id", "转入组织与当前所在组织相同"));
    }
    let periods = repo::periods(conn, id).await?;
    if let Some(open) = periods.iter().find(|p| p.end_on.is_none())
        && on <= open.start_on
    {
        return Err(AppError::invalid_field(field, format!("转接日期须晚于在现支部的起始日期（{}）", open.start_on)));
    }
    if on > crate::util::today() {
        return Err(AppError::invalid_field(field, "转接日期不能晚于今天"));
    }
    repo::transfer(conn, id, to.id, &to.path, on, reason).await?;
    // Committee seats in the old org end with the transfer.
    for p in orgs_repo::positions_of_member(conn, id).await? {
        if p.end_on.is_none() && !to.path.starts_with(&org_path_of(conn, p.org_id).await?) {
            orgs_repo::end_position(conn, p.id, on).await?;
        }
    }
    repo::get(conn, scope, id).await?.ok_or_else(AppError::not_found)
}

async fn org_path_of(conn: &mut Conn, org_id: i64) -> AppResult<String> {
    Ok(orgs_repo::get_unscoped(conn, org_id).await?.map(|o| o.path).unwrap_or_default())
}

/// Changes a member's special status, recording it in the history.
pub async fn change_status(db: &Db, scope: &Scope, id: i64, s: StatusInput) -> AppResult<MemberDetail> {
    require_write(scope)?;
    if s.since > crate::util::today() {
        return Err(AppError::invalid_field("since", "生效日期不能晚于今天"));
    }
    let mut w = db.begin_write().await?;
    let before = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    refuse_left(&before)?;
    let certificate = s.mobile_certificate && s.special_status == SpecialStatus::Mobile;
    if before.row.special_status == s.special_status && before.mobile_certificate == certificate {
        return Err(AppError::invalid_field("special_status", "状态未改变"));
    }
    if s.since < before.row.joined_on {
        return Err(AppError::invalid_field("since", "生效日期不能早于入党日期"));
    }
    let m = MembershipFields {
        status: before.row.status,
        joined_on: before.row.joined_on,
        full_on: before.row.full_on,
        special_status: s.special_status,
        special_status_since: if s.special_status == SpecialStatus::Normal { None } else { Some(s.since) },
    };
    repo::update_membership(&mut w.tx, id, &m).await?;
    repo::set_mobile_certificate(&mut w.tx, id, certificate).await?;
    let note = s.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let with_certificate = certificate.then(|| match note {
        Some(n) => format!("持流动党员活动证；{n}"),
        None => "持流动党员活动证".to_string(),
    });
    let note = with_certificate.as_deref().or(note);
    repo::insert_status_event(
        &mut w.tx,
        id,
        "special_status",
        Some(before.row.special_status.as_str()),
        s.special_status.as_str(),
        s.since,
        note,
    )
    .await?;
    let after = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "status",
            entity: "member",
            entity_id: Some(id),
            org_path: Some(&after.org_path),
            summary: format!(
                "{}状态：{} → {}（{}）",
                after.row.name,
                before.row.special_status.label(),
                s.special_status.label(),
                s.since
            ),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Everything the profile page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Profile {
    /// The record.
    pub member: MemberDetail,
    /// Branches over time.
    pub periods: Vec<PeriodRow>,
    /// Status changes.
    pub status_events: Vec<StatusEventRow>,
    /// Positions held.
    pub positions: Vec<PositionRow>,
    /// Open findings about this member.
    pub findings: Vec<Finding>,
}

/// Loads a member's profile in scope.
pub async fn profile(db: &Db, scope: &Scope, id: i64) -> AppResult<Profile> {
    let mut conn = db.pool.acquire().await?;
    let member = repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?;
    let periods = repo::periods(&mut conn, id).await?;
    let status_events = repo::status_events(&mut conn, id).await?;
    let positions = orgs_repo::positions_of_member(&mut conn, id).await?;
    let org = orgs_repo::get_unscoped(&mut conn, member.row.org_id).await?;
    let id_card = member.row.id_card_no.as_deref().and_then(|s| IdCardNo::parse(s).ok());
    let facts = MemberFacts {
        member_id: id,
        name: member.row.name.clone(),
        birth_date: member.row.birth_date,
        status: member.row.status,
        joined_on: member.row.joined_on,
        full_on: member.row.full_on,
        org_kind: org.map(|o| o.kind),
        special_status: member.row.special_status,
        special_status_since: member.special_status_since,
        mobile_certificate: member.mobile_certificate,
        id_card: id_card.map(|i| (i.birth_date(), i.gender())),
        gender: member.row.gender,
    };
    let findings = check_member(&facts, crate::util::today());
    Ok(Profile { member, periods, status_events, positions, findings })
}
