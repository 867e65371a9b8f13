//! API handlers: parse, call one service, answer JSON. No logic of their own.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use super::docs::ErrorResponses;
use super::{ApiError, ApiJson, ErrorBody};
use crate::auth::scope::Scope;
use crate::error::AppError;
use crate::repo::audit::{AuditFilter, AuditRow};
use crate::repo::members::{MemberFilter, MemberListRow};
use crate::repo::orgs::{Counts, OrgRow, PositionRow};
use crate::repo::users::UserRow;
use crate::rules::Finding;
use crate::service::dashboard::Stats;
use crate::service::import::ImportReport;
use crate::service::members::{MemberInput, Profile, StatusInput, TransferInput};
use crate::service::orgs::{AddPosition, CreateOrg, DissolveOrg, MoveOrg, TreeNode, UpdateOrg};
use crate::service::users::CreateUser;
use crate::web::AppState;
use crate::web::auth::{ApiUser, ClientAddr};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "jiceng 基层党建平台 API", version = "1", description = "组织树、党员名册、账号与审计。所有读取均限定在调用者的管理范围内；范围外的编号与不存在的编号一样返回 404。"),
    paths(
        login, logout, me, change_password, list_orgs, create_org, get_org, update_org, move_org, dissolve_org,
        list_positions, add_position, end_position, org_findings, list_members, create_member, get_member,
        update_member, transfer_member, change_member_status, export_members, import_template, import_members,
        list_users, create_user, set_user_active, list_audit, list_findings, stats,
        super::development::list_cases, super::development::create_case, super::development::get_case,
        super::development::record_step, super::development::check_step, super::development::eligible_voters,
        super::devextra::add_material, super::devextra::list_materials, super::devextra::download_material,
        super::devextra::delete_material, super::devextra::transfer_case, super::devextra::list_transfers,
        super::devextra::search_people, super::devextra::create_feed_token, super::devextra::list_feed_tokens,
        super::devextra::revoke_feed_token,
        super::meetings::list, super::meetings::create, super::meetings::get_one, super::meetings::preview,
        super::penalties::list_penalties, super::penalties::add_penalty, super::penalties::restore_penalty,
        super::admin::get_development_settings, super::admin::put_development_settings, super::admin::get_workdays,
        super::admin::put_workday, super::admin::delete_workday,
        super::devstats::get_stats, super::devstats::stats_xlsx, super::devstats::import_template,
        super::devstats::import_cases,
        super::devrecord::get_archive, super::devrecord::put_archive, super::devrecord::get_record,
        super::devrecord::record_xlsx,
        super::publicity::generate, super::publicity::get_mobile, super::publicity::set_mobile, super::publicity::of_case, super::publicity::get_one, super::publicity::update,
        super::publicity::add_objection, super::publicity::resolve_objection, super::publicity::notices,
        super::orgterms::list_term_events, super::orgterms::record_term_event
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &ErrorResponses)
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security =
            Some(vec![utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// Login request.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Login answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …` (valid 30 days).
    pub token: String,
    /// The user.
    pub user: UserRow,
}

/// Logs in and returns an API token.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest, responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)), security(()))]
pub async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(r): ApiJson<LoginRequest>,
) -> ApiResult<LoginResponse> {
    let s = crate::service::users::login(&st.db, &r.username, &r.password, "api", client).await?;
    Ok(Json(LoginResponse { token: s.token, user: s.user }))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 200)))]
pub async fn logout(State(st): State<AppState>, u: ApiUser) -> Result<Json<serde_json::Value>, ApiError> {
    crate::service::users::logout(&st.db, &u.token).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}

/// Who am I.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Id.
    pub id: i64,
    /// Login.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: crate::domain::Role,
    /// Anchor org.
    pub org_id: i64,
    /// Linked member.
    pub member_id: Option<i64>,
}

/// The caller and their scope.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(u: ApiUser) -> Json<Me> {
    let s = u.scope;
    Json(Me {
        id: s.user_id,
        username: s.username,
        display_name: s.display_name,
        role: s.role,
        org_id: s.org_id,
        member_id: s.member_id,
    })
}

/// Password change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    /// Current password.
    pub old_password: String,
    /// New password (8+ characters, letters and digits).
    pub new_password: String,
}

/// Changes the caller's password; other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange, responses((status = 200), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(p): ApiJson<PasswordChange>,
) -> Result<Json<serde_json::Value>, ApiError> {
    crate::service::users::change_password(&st.db, &u.scope, &u.token, &p.old_password, &p.new_password).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}

/// Tree query.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct TreeQuery {
    /// Show the tree as it was on this date.
    pub as_of: Option<NaiveDate>,
    /// Start from this org instead of the caller's scope root.
    pub root: Option<i64>,
}

/// The visible org tree, depth first, with member counts per node.
#[utoipa::path(get, path = "/api/v1/orgs", params(TreeQuery), responses((status = 200, body = Vec<TreeNode>)))]
pub async fn list_orgs(State(st): State<AppState>, u: ApiUser, Query(q): Query<TreeQuery>) -> ApiResult<Vec<TreeNode>> {
    Ok(Json(crate::service::orgs::tree(&st.db, &u.scope, q.as_of, q.root).await?))
}

/// Creates an org.
#[utoipa::path(post, path = "/api/v1/orgs", request_body = CreateOrg, responses((status = 200, body = OrgRow), (status = 422, body = ErrorBody)))]
pub async fn create_org(State(st): State<AppState>, u: ApiUser, ApiJson(c): ApiJson<CreateOrg>) -> ApiResult<OrgRow> {
    Ok(Json(crate::service::orgs::create(&st.db, &u.scope, c).await?))
}

/// One org with its committee, counts, term and findings.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgDetail {
    /// The org.
    pub org: OrgRow,
    /// Members in its subtree.
    pub counts: Counts,
    /// Committee seats, current first.
    pub positions: Vec<PositionRow>,
    /// End of the current term.
    pub term_end: Option<NaiveDate>,
    /// Date from which the higher organization reminds the org of its election (R3.5).
    pub term_reminder: Option<NaiveDate>,
    /// Findings about this org.
    pub findings: Vec<Finding>,
    /// Direct children.
    pub children: Vec<TreeNode>,
    /// 换届选举 / 延期换届 / 换届请示 records, newest first.
    pub term_events: Vec<crate::repo::org_terms::TermEventRow>,
    /// The members the branch was established with (R3.1).
    pub founding_members: Vec<crate::repo::org_terms::FoundingMember>,
}

/// Loads an org's detail (shared with the HTML page).
pub async fn org_detail(st: &AppState, scope: &Scope, id: i64) -> Result<OrgDetail, AppError> {
    let tree = crate::service::orgs::tree(&st.db, scope, None, Some(id)).await?;
    let mut conn = st.db.pool.acquire().await?;
    let org = crate::repo::orgs::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?;
    let positions = crate::repo::orgs::positions(&mut conn, id).await?;
    let term_events = crate::repo::org_terms::of_org(&mut conn, id).await?;
    let founding_members = crate::repo::org_terms::founding(&mut conn, id).await?;
    drop(conn);
    let counts = tree.first().map(|n| n.subtree).unwrap_or_default();
    let children = tree.iter().filter(|n| n.level == 1).cloned().collect();
    let term_end = org.term_start.and_then(|t| crate::rules::structure::term_end(org.kind, t, &Default::default()));
    let term_reminder = term_end.map(|e| crate::calendar::add_months(e, -6));
    let findings = crate::service::findings::for_org(&st.db, scope, id, crate::util::today()).await?;
    Ok(OrgDetail { org, counts, positions, term_end, term_reminder, findings, children, term_events, founding_members })
}

/// One org.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", params(("id" = i64, Path)), responses((status = 200, body = OrgDetail), (status = 404, body = ErrorBody)))]
pub async fn get_org(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<OrgDetail> {
    Ok(Json(org_detail(&st, &u.scope, id).await?))
}

/// Edits an org (rename, category, term).
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", params(("id" = i64, Path)), request_body = UpdateOrg, responses((status = 200, body = OrgRow)))]
pub async fn update_org(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<UpdateOrg>,
) -> ApiResult<OrgRow> {
    Ok(Json(crate::service::orgs::update(&st.db, &u.scope, id, b).await?))
}

/// Moves an org under another parent.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/move", params(("id" = i64, Path)), request_body = MoveOrg, responses((status = 200, body = OrgRow)))]
pub async fn move_org(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MoveOrg>,
) -> ApiResult<OrgRow> {
    Ok(Json(crate::service::orgs::move_org(&st.db, &u.scope, id, b).await?))
}

/// Dissolves an empty org.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/dissolve", params(("id" = i64, Path)), request_body = DissolveOrg, responses((status = 200, body = OrgRow)))]
pub async fn dissolve_org(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DissolveOrg>,
) -> ApiResult<OrgRow> {
    Ok(Json(crate::service::orgs::dissolve(&st.db, &u.scope, id, b).await?))
}

/// Committee seats of an org.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/positions", params(("id" = i64, Path)), responses((status = 200, body = Vec<PositionRow>)))]
pub async fn list_positions(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<PositionRow>> {
    let mut conn = st.db.pool.acquire().await?;
    crate::repo::orgs::get(&mut conn, &u.scope, id).await?.ok_or_else(AppError::not_found)?;
    Ok(Json(crate::repo::orgs::positions(&mut conn, id).await?))
}

/// Adds a committee seat.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/positions", params(("id" = i64, Path)), request_body = AddPosition, responses((status = 200, body = PositionRow)))]
pub async fn add_position(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AddPosition>,
) -> ApiResult<PositionRow> {
    Ok(Json(crate::service::orgs::add_position(&st.db, &u.scope, id, b).await?))
}

/// End of a seat.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EndPosition {
    /// Date (default today).
    pub end_on: Option<NaiveDate>,
}

/// Ends a committee seat.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/positions/{pid}/end", params(("id" = i64, Path), ("pid" = i64, Path)), request_body = EndPosition, responses((status = 200)))]
pub async fn end_position(
    State(st): State<AppState>,
    u: ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<EndPosition>,
) -> Result<Json<serde_json::Value>, ApiError> {
    crate::service::orgs::end_position(&st.db, &u.scope, id, pid, b.end_on).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}

/// Date query.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct AsOfQuery {
    /// Evaluate on this date (default today).
    pub as_of: Option<NaiveDate>,
    /// Restrict to this org's subtree.
    pub org: Option<i64>,
}

/// Findings of the org's whole subtree.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/findings", params(("id" = i64, Path), AsOfQuery), responses((status = 200, body = Vec<Finding>)))]
pub async fn org_findings(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Vec<Finding>> {
    Ok(Json(
        crate::service::findings::for_scope(&st.db, &u.scope, Some(id), q.as_of.unwrap_or_else(crate::util::today))
            .await?,
    ))
}

/// A page of the roster.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    /// Rows.
    pub items: Vec<MemberListRow>,
    /// Total rows matching.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

/// Lists members (scoped, filtered, paged, sorted by pinyin).
pub async fn member_page(st: &AppState, scope: &Scope, f: &MemberFilter) -> Result<MemberPage, AppError> {
    let mut conn = st.db.pool.acquire().await?;
    let path = match f.org {
        Some(id) => crate::repo::orgs::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?.path,
        None => scope.root_path.clone(),
    };
    let (items, total) = crate::repo::members::list(&mut conn, scope, &path, f, crate::util::today()).await?;
    Ok(MemberPage {
        items,
        total,
        page: crate::repo::clamp_page(f.page),
        per_page: f.per_page.unwrap_or(50).clamp(1, 200),
    })
}

/// The roster.
#[utoipa::path(get, path = "/api/v1/members", params(MemberFilter), responses((status = 200, body = MemberPage)))]
pub async fn list_members(
    State(st): State<AppState>,
    u: ApiUser,
    Query(f): Query<MemberFilter>,
) -> ApiResult<MemberPage> {
    Ok(Json(member_page(&st, &u.scope, &f).await?))
}

/// Creates a member.
#[utoipa::path(post, path = "/api/v1/members", request_body = MemberInput, responses((status = 200, body = crate::repo::members::MemberDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_member(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<MemberInput>,
) -> ApiResult<crate::repo::members::MemberDetail> {
    Ok(Json(crate::service::members::create(&st.db, &u.scope, b).await?))
}

/// A member's profile with history and findings.
#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = i64, Path)), responses((status = 200, body = Profile), (status = 404, body = ErrorBody)))]
pub async fn get_member(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<Profile> {
    Ok(Json(crate::service::members::profile(&st.db, &u.scope, id).await?))
}

/// Replaces a member's person and membership fields.
#[utoipa::path(put, path = "/api/v1/members/{id}", params(("id" = i64, Path)), request_body = MemberInput, responses((status = 200, body = crate::repo::members::MemberDetail)))]
pub async fn update_member(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MemberInput>,
) -> ApiResult<crate::repo::members::MemberDetail> {
    Ok(Json(crate::service::members::update(&st.db, &u.scope, id, b).await?))
}

/// Transfers a member to another branch (组织关系转接).
#[utoipa::path(post, path = "/api/v1/members/{id}/transfer", params(("id" = i64, Path)), request_body = TransferInput, responses((status = 200, body = crate::repo::members::MemberDetail)))]
pub async fn transfer_member(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransferInput>,
) -> ApiResult<crate::repo::members::MemberDetail> {
    Ok(Json(crate::service::members::transfer(&st.db, &u.scope, id, b).await?))
}

/// Changes a member's special status.
#[utoipa::path(post, path = "/api/v1/members/{id}/status", params(("id" = i64, Path)), request_body = StatusInput, responses((status = 200, body = crate::repo::members::MemberDetail)))]
pub async fn change_member_status(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StatusInput>,
) -> ApiResult<crate::repo::members::MemberDetail> {
    Ok(Json(crate::service::members::change_status(&st.db, &u.scope, id, b).await?))
}

/// An xlsx download response.
pub fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"members.xlsx\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

/// Exports the filtered roster as xlsx.
#[utoipa::path(get, path = "/api/v1/members/export.xlsx", params(MemberFilter), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_members(
    State(st): State<AppState>,
    u: ApiUser,
    Query(f): Query<MemberFilter>,
) -> Result<Response, ApiError> {
    let bytes = crate::service::export::members_xlsx(&st.db, &u.scope, &f).await?;
    Ok(xlsx_response(bytes, "党员名册.xlsx"))
}

/// The import template (xlsx with drop-downs).
#[utoipa::path(get, path = "/api/v1/members/import/template.xlsx", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn import_template(_u: ApiUser) -> Result<Response, ApiError> {
    let bytes = crate::excel::member_template().map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok(xlsx_response(bytes, "党员名册导入模板.xlsx"))
}

/// Import options.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Check only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Reads the first file field of a multipart upload.
pub async fn read_upload(mut mp: Multipart) -> Result<(Vec<u8>, Vec<(String, String)>), AppError> {
    let mut file = None;
    let mut fields = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or_default().to_string();
                let is_file = f.file_name().is_some();
                let data = f.bytes().await.map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::too_large("上传文件过大")
                    } else {
                        AppError::bad_request("file", format!("上传内容无法读取：{}", e.body_text()))
                    }
                })?;
                if is_file && file.is_none() {
                    file = Some(data.to_vec());
                } else {
                    fields.push((name, String::from_utf8_lossy(&data).to_string()));
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::too_large("上传文件过大")
                } else {
                    AppError::bad_request("file", format!("上传内容无法读取：{}", e.body_text()))
                });
            }
        }
    }
    crate::web::input::check_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let file = file.filter(|f| !f.is_empty()).ok_or_else(|| AppError::bad_request("file", "请选择要上传的文件"))?;
    Ok((file, fields))
}

/// Imports a roster (multipart field `file`): all rows or none. With `dry_run` only checks.
#[utoipa::path(post, path = "/api/v1/members/import", params(ImportQuery), request_body(content_type = "multipart/form-data"), responses((status = 200, body = ImportReport), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_members(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<ImportQuery>,
    mp: Multipart,
) -> ApiResult<ImportReport> {
    let (bytes, _) = read_upload(mp).await?;
    Ok(Json(crate::service::import::import_members(&st.db, &u.scope, bytes, q.dry_run).await?))
}

/// Users in the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = Vec<UserRow>)))]
pub async fn list_users(State(st): State<AppState>, u: ApiUser) -> ApiResult<Vec<UserRow>> {
    if !u.scope.can_write() {
        return Err(AppError::forbidden("只有管理员可以查看账号").into());
    }
    let mut conn = st.db.pool.acquire().await?;
    Ok(Json(crate::repo::users::list(&mut conn, &u.scope).await?))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", request_body = CreateUser, responses((status = 200, body = UserRow), (status = 409, body = ErrorBody)))]
pub async fn create_user(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<CreateUser>,
) -> ApiResult<UserRow> {
    Ok(Json(crate::service::users::create(&st.db, &u.scope, b).await?))
}

/// Enable/disable.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActiveBody {
    /// Can log in.
    pub active: bool,
}

/// Enables or disables a user.
#[utoipa::path(post, path = "/api/v1/users/{id}/active", params(("id" = i64, Path)), request_body = ActiveBody, responses((status = 200, body = UserRow)))]
pub async fn set_user_active(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActiveBody>,
) -> ApiResult<UserRow> {
    Ok(Json(crate::service::users::set_active(&st.db, &u.scope, id, b.active).await?))
}

/// A page of the audit log.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// Events, newest first.
    pub items: Vec<AuditRow>,
    /// Total.
    pub total: i64,
}

/// The audit log of the caller's scope.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditFilter), responses((status = 200, body = AuditPage)))]
pub async fn list_audit(State(st): State<AppState>, u: ApiUser, Query(f): Query<AuditFilter>) -> ApiResult<AuditPage> {
    if u.scope.role == crate::domain::Role::Member {
        return Err(AppError::forbidden("党员账号不能查看审计日志").into());
    }
    let mut conn = st.db.pool.acquire().await?;
    let (items, total) = crate::repo::audit::list(&mut conn, &u.scope, &f).await?;
    Ok(Json(AuditPage { items, total }))
}

/// Every open finding in scope.
#[utoipa::path(get, path = "/api/v1/findings", params(AsOfQuery), responses((status = 200, body = Vec<Finding>)))]
pub async fn list_findings(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Vec<Finding>> {
    Ok(Json(
        crate::service::findings::for_scope(&st.db, &u.scope, q.org, q.as_of.unwrap_or_else(crate::util::today))
            .await?,
    ))
}

/// Dashboard numbers.
#[utoipa::path(get, path = "/api/v1/stats", responses((status = 200, body = Stats)))]
pub async fn stats(State(st): State<AppState>, u: ApiUser) -> ApiResult<Stats> {
    Ok(Json(crate::service::dashboard::stats(&st.db, &u.scope).await?))
}
