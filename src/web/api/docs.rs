//! Completes the OpenAPI document with the error answers every operation can give, so the
//! document describes the server's real responses (checked by the schemathesis fuzz run).

use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Adds the error responses (body [`super::ErrorBody`]) an operation does not list itself:
/// 400 malformed input, 401 no or an expired token, 403 not allowed (role, CSRF), 404 absent or
/// outside the scope, 422 refused input (rules, field checks, the text guard on every query
/// string and body), and for operations with a body 409 (a duplicate) and 413 (too large).
pub struct ErrorResponses;

const COMMON: &[(&str, &str)] = &[
    ("400", "请求格式错误（参数、JSON 或上传内容无法解析），fields 指明字段"),
    ("401", "未登录、令牌无效或已过期"),
    ("403", "无权执行此操作（角色不允许，或缺少 X-CSRF-Token）"),
    ("404", "记录不存在，或不在调用者的管理范围内"),
    (
        "422",
        "输入未通过校验或规则检查（rule 指明规则，fields 指明字段；含空字符或超长文本时 code 为 invalid_text / text_too_long）",
    ),
];

const WITH_BODY: &[(&str, &str)] = &[("409", "与已有记录重复（如身份证号、用户名）"), ("413", "请求体或上传文件过大")];

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let error = || {
            ContentBuilder::new()
                .schema(Some(RefOr::<utoipa::openapi::schema::Schema>::Ref(Ref::from_schema_name("ErrorBody"))))
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for op in ops.into_iter().flatten() {
                let has_body = op.request_body.is_some();
                let extra = if has_body { WITH_BODY } else { &[] };
                for (code, description) in COMMON.iter().chain(extra) {
                    op.responses.responses.entry((*code).to_string()).or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(*description)
                                .content("application/json", error())
                                .build(),
                        )
                    });
                }
            }
        }
    }
}
