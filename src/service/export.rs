//! Roster export to xlsx with Chinese headers.

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::excel::{Cell, write_xlsx};
use crate::repo::members::{self as repo, MemberFilter};

/// Most rows one export holds.
pub const MAX_EXPORT_ROWS: i64 = 200_000;

/// Exports the filtered roster (scoped; masked fields stay masked) as xlsx bytes.
pub async fn members_xlsx(db: &Db, scope: &Scope, f: &MemberFilter) -> AppResult<Vec<u8>> {
    let mut conn = db.pool.acquire().await?;
    let path = match f.org {
        Some(id) => crate::repo::orgs::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?.path,
        None => scope.root_path.clone(),
    };
    let rows = repo::list_all(&mut conn, scope, &path, f, crate::util::today(), MAX_EXPORT_ROWS).await?;
    drop(conn);
    tokio::task::spawn_blocking(move || {
        let headers = [
            "姓名",
            "性别",
            "出生日期",
            "身份证号",
            "工号/学号",
            "人员类别",
            "学历",
            "职称",
            "手机号",
            "所在党支部",
            "党员类别",
            "入党日期",
            "转正日期",
            "党员状态",
        ];
        let data: Vec<Vec<Cell>> = rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name),
                    Cell::Text(r.gender.label().into()),
                    Cell::Date(r.birth_date),
                    r.id_card_no.map(Cell::Text).unwrap_or(Cell::Empty),
                    r.staff_no.map(Cell::Text).unwrap_or(Cell::Empty),
                    Cell::Text(r.category.label().into()),
                    r.education.map(|e| Cell::Text(e.label().into())).unwrap_or(Cell::Empty),
                    r.title.map(|e| Cell::Text(e.label().into())).unwrap_or(Cell::Empty),
                    r.phone.map(Cell::Text).unwrap_or(Cell::Empty),
                    Cell::Text(r.org_name),
                    Cell::Text(r.status.label().into()),
                    Cell::Date(r.joined_on),
                    r.full_on.map(Cell::Date).unwrap_or(Cell::Empty),
                    Cell::Text(r.special_status.label().into()),
                ]
            })
            .collect();
        write_xlsx("党员名册", &headers, &data).map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))
    })
    .await
    .map_err(AppError::internal)?
}
