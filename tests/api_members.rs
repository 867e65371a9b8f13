//! The roster: paging, filters, search, sort; create/edit validation; transfer; status; masking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};

use common::*;

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

fn ids(v: &Value) -> Vec<i64> {
    items(v).iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

both!(list_paging_and_total, |app| async move {
    let total = app.member_total().await;
    let (s, p1) = app.get("/api/v1/members?per_page=20&page=1", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{p1}");
    assert_eq!(p1["total"].as_i64(), Some(total));
    assert_eq!(p1["page"], 1);
    assert_eq!(p1["per_page"], 20);
    assert_eq!(items(&p1).len(), 20);
    let (_, p2) = app.get("/api/v1/members?per_page=20&page=2", &app.admin).await;
    assert_eq!(p2["page"], 2);
    let a: HashSet<i64> = ids(&p1).into_iter().collect();
    assert!(ids(&p2).iter().all(|i| !a.contains(i)), "pages do not overlap");
    // Every member exactly once over all pages of 200 (the largest page).
    let mut seen = HashSet::new();
    let pages = (total + 199) / 200;
    for page in 1..=pages {
        let (_, p) = app.get(&format!("/api/v1/members?per_page=200&page={page}"), &app.admin).await;
        let n = items(&p).len() as i64;
        assert_eq!(n, if page < pages { 200 } else { total - 200 * (pages - 1) });
        // The last (short) page computes its total without a count query: it must agree.
        assert_eq!(p["total"].as_i64(), Some(total), "total on page {page}");
        for i in ids(&p) {
            assert!(seen.insert(i), "member {i} listed twice");
        }
    }
    assert_eq!(seen.len() as i64, total);
    // Beyond the last page: empty, total unchanged. Oversized and zero page sizes are clamped.
    let (_, p) = app.get(&format!("/api/v1/members?per_page=200&page={}", pages + 1), &app.admin).await;
    assert!(items(&p).is_empty());
    assert_eq!(p["total"].as_i64(), Some(total));
    let (_, p) = app.get("/api/v1/members?per_page=100000", &app.admin).await;
    assert_eq!(p["per_page"], 200);
    let (_, p) = app.get("/api/v1/members?per_page=0&page=-3", &app.admin).await;
    assert_eq!(p["per_page"], 1);
    assert_eq!(p["page"], 1);
    assert_eq!(items(&p).len(), 1);
    // A malformed number is a 400, not a 500.
    let (s, v) = app.get("/api/v1/members?page=abc", &app.admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "bad_request", "{v}");
    assert!(v["error"]["fields"]["page"].is_string(), "{v}");
});

both!(filters_and_search, |app| async move {
    let total = app.member_total().await;
    for (key, value, field) in [
        ("category", "student", "category"),
        ("category", "teacher", "category"),
        ("status", "probationary", "status"),
        ("status", "full", "status"),
    ] {
        let (s, v) = app.get(&format!("/api/v1/members?per_page=200&{key}={value}"), &app.admin).await;
        assert_eq!(s, StatusCode::OK);
        let n = v["total"].as_i64().unwrap();
        assert!(n > 0 && n < total, "{key}={value}: {n} of {total}");
        assert!(items(&v).iter().all(|m| m[field] == value), "{key}={value}");
    }
    // The two statuses partition the roster.
    let full = app.get("/api/v1/members?status=full", &app.admin).await.1["total"].as_i64().unwrap();
    let prob = app.get("/api/v1/members?status=probationary", &app.admin).await.1["total"].as_i64().unwrap();
    assert_eq!(full + prob, total);
    // Joined year.
    let (_, v) = app.get("/api/v1/members?per_page=200&joined_year=2015", &app.admin).await;
    assert!(items(&v).iter().all(|m| m["joined_on"].as_str().unwrap().starts_with("2015-")));

    // Pick a member and find them in every way the roster allows.
    let (_, p) = app.get("/api/v1/members?per_page=50&page=3", &app.admin).await;
    let m = items(&p).iter().find(|m| m["staff_no"].is_string() && m["id_card_no"].is_string()).unwrap().clone();
    let id = m["id"].as_i64().unwrap();
    let name = m["name"].as_str().unwrap().to_string();
    let find = |q: String| {
        let app = &app;
        async move {
            let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
            let (s, v) = app.get(&format!("/api/v1/members?per_page=200&q={enc}"), &app.admin).await;
            assert_eq!(s, StatusCode::OK, "q={q}: {v}");
            (v["total"].as_i64().unwrap(), ids(&v), v)
        }
    };
    let (n, found, v) = find(name.clone()).await;
    assert!(found.contains(&id), "by name {name}");
    assert!(n < total);
    assert!(items(&v).iter().all(|x| x["name"].as_str().unwrap().contains(&name)));
    // A surname alone finds a superset.
    let surname: String = name.chars().take(1).collect();
    let (n_surname, found, _) = find(surname).await;
    assert!(n_surname >= n);
    assert!(n_surname > 200 || found.contains(&id));
    // Pinyin initials ("zs" finds 张三) and full pinyin, in any case.
    let (full_py, initials) = jiceng::util::pinyin_keys(&name);
    let (_, found, v) = find(initials.clone()).await;
    assert!(found.contains(&id), "by initials {initials}");
    for x in items(&v) {
        let (f, i) = jiceng::util::pinyin_keys(x["name"].as_str().unwrap());
        assert!(i.starts_with(&initials) || f.starts_with(&initials), "{} for {initials}", x["name"]);
    }
    let (_, found, _) = find(initials.to_uppercase()).await;
    assert!(found.contains(&id), "by upper-case initials");
    let (_, found, _) = find(full_py.clone()).await;
    assert!(found.contains(&id), "by full pinyin {full_py}");
    // 工号/学号.
    let staff = m["staff_no"].as_str().unwrap().to_string();
    let (n, found, _) = find(staff.clone()).await;
    assert_eq!((n, found), (1, vec![id]), "by staff_no {staff}");
    let (_, found, _) = find(staff.to_lowercase()).await;
    assert_eq!(found, vec![id], "staff_no in lower case");
    // The last four characters of the 身份证号.
    let card = m["id_card_no"].as_str().unwrap().to_string();
    assert_eq!(card.len(), 18);
    let tail = card[14..].to_string();
    let (_, found, v) = find(tail.clone()).await;
    assert!(found.contains(&id), "by id tail {tail}");
    assert!(items(&v).iter().all(|x| x["id_card_no"].as_str().unwrap().ends_with(&tail)));
    // Nothing matches nonsense; LIKE wildcards are literal.
    assert_eq!(find("qqqqqqq".into()).await.0, 0);
    assert_eq!(find("%".into()).await.0, 0);
    assert_eq!(find("_".into()).await.0, 0);
    // Filters combine with the org.
    let fx = app.fixtures().await;
    let (_, v) = app.get(&format!("/api/v1/members?per_page=200&org={}&status=full", fx.branch), &app.admin).await;
    assert!(items(&v).iter().all(|x| x["org_id"].as_i64() == Some(fx.branch) && x["status"] == "full"));
});

both!(sort_by_pinyin_is_stable, |app| async move {
    let mut all = Vec::new();
    for page in 1..=4 {
        let (_, v) = app.get(&format!("/api/v1/members?per_page=50&page={page}"), &app.admin).await;
        all.extend(items(&v).iter().map(|m| (m["id"].as_i64().unwrap(), m["name"].as_str().unwrap().to_string())));
    }
    assert_eq!(all.len(), 200);
    for w in all.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (ka, kb) = (jiceng::util::pinyin_sort_key(&a.1), jiceng::util::pinyin_sort_key(&b.1));
        assert!(ka < kb || (ka == kb && a.0 < b.0), "{a:?} ({ka}) before {b:?} ({kb})");
    }
    // Same request, same order; and the same order with sort=pinyin spelled out.
    let (_, x) = app.get("/api/v1/members?per_page=50&page=2", &app.admin).await;
    let (_, y) = app.get("/api/v1/members?per_page=50&page=2&sort=pinyin", &app.admin).await;
    assert_eq!(ids(&x), ids(&y));
    assert_eq!(ids(&x), all[50..100].iter().map(|p| p.0).collect::<Vec<_>>());
    // Other sorts.
    let (_, v) = app.get("/api/v1/members?per_page=200&sort=joined", &app.admin).await;
    let dates: Vec<&str> = items(&v).iter().map(|m| m["joined_on"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    let (_, v) = app.get("/api/v1/members?per_page=200&sort=-joined", &app.admin).await;
    let dates: Vec<&str> = items(&v).iter().map(|m| m["joined_on"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
});

both!(create_and_validation, |app| async move {
    let fx = app.fixtures().await;
    let total = app.member_total().await;
    let audit = app.audit_count().await;
    let body = member_json(fx.branch, "王测试", 11);
    let (s, v) = app.post_json("/api/v1/members", &app.branch, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["name"], "王测试");
    assert_eq!(v["birth_date"], "1985-03-14", "read from the 身份证号");
    assert_eq!(v["gender"], "male", "read from the 身份证号");
    assert_eq!(v["org_id"].as_i64(), Some(fx.branch));
    assert_eq!(app.member_total().await, total + 1);
    assert_eq!(app.audit_count().await, audit + 1);
    let (s, p) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["member"]["id_card_no"], body["id_card_no"]);
    assert_eq!(p["periods"].as_array().unwrap().len(), 1);
    // Found by its pinyin initials.
    let (_, l) = app.get("/api/v1/members?q=wcs&per_page=200", &app.branch).await;
    assert!(ids(&l).contains(&id));

    let post = |b: Value| {
        let app = &app;
        async move { app.post_json("/api/v1/members", &app.branch, b).await }
    };
    // Wrong check digit.
    let mut b = member_json(fx.branch, "李校验", 12);
    b["id_card_no"] = json!(wrong_check(b["id_card_no"].as_str().unwrap()));
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "validation_failed");
    assert!(v["error"]["fields"]["id_card_no"].as_str().unwrap().contains("校验位"), "{v}");
    // Duplicate 身份证号: 409 naming the field.
    let mut b = member_json(fx.branch, "赵重复", 11);
    b["staff_no"] = json!("T999001");
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "conflict");
    assert!(v["error"]["fields"]["id_card_no"].is_string(), "{v}");
    // Duplicate 工号.
    let existing_staff = p["member"]["staff_no"].as_str().map(str::to_string);
    assert!(existing_staff.is_none());
    let (_, l) = app.get("/api/v1/members?per_page=1&category=teacher", &app.admin).await;
    let taken = items(&l)[0]["staff_no"].as_str().unwrap().to_string();
    let mut b = member_json(fx.branch, "钱工号", 13);
    b["staff_no"] = json!(taken);
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["fields"]["staff_no"].is_string(), "{v}");
    // Joined before 18: R1.2 (the 18th birthday itself is fine).
    let birth = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let mut b = member_json(fx.branch, "孙年少", 0);
    b["id_card_no"] = json!(id_card("110108", birth, false, 14));
    b["joined_on"] = json!("2017-12-31");
    b["full_on"] = json!("2018-12-31");
    let (s, v) = post(b.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.2", "{v}");
    assert_eq!(v["error"]["code"], "rule_violation");
    assert!(v["error"]["fields"]["joined_on"].is_string(), "{v}");
    assert!(!v["error"]["findings"].as_array().unwrap().is_empty());
    b["joined_on"] = json!("2018-01-01");
    b["full_on"] = json!("2019-01-01");
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::OK, "joined on the 18th birthday: {v}");
    assert_eq!(v["gender"], "female");
    // Full member without full_on.
    let mut b = member_json(fx.branch, "周转正", 15);
    b.as_object_mut().unwrap().remove("full_on");
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["full_on"].is_string(), "{v}");
    // Birth date contradicting the 身份证号.
    let mut b = member_json(fx.branch, "吴生日", 16);
    b["birth_date"] = json!("1985-03-15");
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["birth_date"].is_string(), "{v}");
    // Missing name and a bad phone: both fields named at once.
    let mut b = member_json(fx.branch, " ", 17);
    b["phone"] = json!("12345");
    let (s, v) = post(b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["name"].is_string() && v["error"]["fields"]["phone"].is_string(), "{v}");
    // Not into a college (members belong to branches).
    let (s, v) = app.post_json("/api/v1/members", &app.college, member_json(fx.college, "郑学院", 18)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string(), "{v}");
    // Only the two accepted creates changed anything.
    assert_eq!(app.member_total().await, total + 2);
    assert_eq!(app.audit_count().await, audit + 2);
});

both!(malformed_input_is_400, |app| async move {
    let fx = app.fixtures().await;
    let r = app.post_raw("/api/v1/members", &app.admin, "application/json", b"{\"name\": \"x\",".to_vec()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "bad_request");
    let r = app.post_raw("/api/v1/members", &app.admin, "text/plain", b"{}".to_vec()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    for (field, value) in [
        ("org_id", json!("abc")),
        ("joined_on", json!(12345)),
        ("joined_on", json!("2020-13-45")),
        ("status", json!("boss")),
        ("category", json!(["teacher"])),
        ("name", json!(42)),
    ] {
        let mut b = member_json(fx.branch, "格式错", 21);
        b[field] = value.clone();
        let (s, v) = app.post_json("/api/v1/members", &app.admin, b).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}={value}: {v}");
        assert!(v["error"]["fields"][field].is_string(), "{field}={value} named: {v}");
    }
    // A missing required field.
    let mut b = member_json(fx.branch, "缺字段", 22);
    b.as_object_mut().unwrap().remove("name");
    let (s, v) = app.post_json("/api/v1/members", &app.admin, b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("name"), "{v}");
    // Bad path ids.
    let (s, v) = app.get("/api/v1/members/abc", &app.admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request", "{v}");
    // A verb the route does not have.
    let (s, v) = app.put_json("/api/v1/orgs", &app.admin, json!({})).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{v}");
    assert_eq!(v["error"]["code"], "method_not_allowed", "{v}");
    let (s, _) = app.get("/api/v1/members/999999", &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get("/api/v1/orgs/999999", &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both!(update_member, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app.post_json("/api/v1/members", &app.branch, member_json(fx.branch, "冯改名", 31)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let mut b = member_json(fx.branch, "冯新名", 31);
    b["education"] = json!("master");
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &app.branch, b.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "冯新名");
    assert_eq!(v["education"], "master");
    let (_, l) = app.get("/api/v1/members?q=fxm&per_page=200", &app.branch).await;
    assert!(ids(&l).contains(&id), "pinyin keys follow the rename");
    // An edit may not take another person's 身份证号.
    let other = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &app.admin).await.1;
    b["id_card_no"] = other["member"]["id_card_no"].clone();
    b["birth_date"] = other["member"]["birth_date"].clone();
    b["gender"] = other["member"]["gender"].clone();
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &app.branch, b).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["fields"]["id_card_no"].is_string());
    let n = app
        .scalar(&format!("SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'member' AND entity_id = {id}"))
        .await;
    assert_eq!(n, 2, "create and one successful update");
});

both!(transfer_keeps_history, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app.post_json("/api/v1/members", &app.college, member_json(fx.branch, "陈转接", 41)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let today = ymd(today());
    // Not before the start of the current period (2010-07-01), nor on it.
    for on in ["2009-01-01", "2010-07-01"] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/members/{id}/transfer"),
                &app.college,
                json!({"to_org_id": fx.sibling_branch, "on": on, "reason": "工作调动"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{on}: {v}");
        assert!(v["error"]["fields"]["on"].is_string(), "{v}");
    }
    // Not into the same branch, not without a reason, not outside the scope, not in the future.
    for (to, on, reason, field) in [
        (fx.branch, today.clone(), "调动", "to_org_id"),
        (fx.sibling_branch, today.clone(), " ", "reason"),
        (fx.foreign_branch, today.clone(), "调动", "to_org_id"),
        (fx.sibling_branch, "2999-01-01".to_string(), "调动", "on"),
    ] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/members/{id}/transfer"),
                &app.college,
                json!({"to_org_id": to, "on": on, "reason": reason}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert!(v["error"]["fields"][field].is_string(), "{field}: {v}");
    }
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{id}/transfer"),
            &app.college,
            json!({"to_org_id": fx.sibling_branch, "on": "2020-09-01", "reason": "工作调动"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["org_id"].as_i64(), Some(fx.sibling_branch));
    let (s, p) = app.get(&format!("/api/v1/members/{id}"), &app.college).await;
    assert_eq!(s, StatusCode::OK);
    let periods = p["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 2, "{p}");
    assert_eq!(periods[0]["org_id"].as_i64(), Some(fx.branch));
    assert_eq!(periods[0]["start_on"], "2010-07-01");
    assert_eq!(periods[0]["end_on"], "2020-09-01");
    assert_eq!(periods[1]["org_id"].as_i64(), Some(fx.sibling_branch));
    assert_eq!(periods[1]["start_on"], "2020-09-01");
    assert!(periods[1]["end_on"].is_null());
    assert_eq!(periods[1]["reason"], "工作调动");
    // The branch admin of the old branch no longer sees the member; rosters follow.
    assert_eq!(app.get(&format!("/api/v1/members/{id}"), &app.branch).await.0, StatusCode::NOT_FOUND);
    assert!(!app.member_ids(&app.admin, &format!("org={}", fx.branch)).await.1.contains(&id));
    assert!(app.member_ids(&app.admin, &format!("org={}", fx.sibling_branch)).await.1.contains(&id));
    // A second transfer must be later than the new period's start.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/members/{id}/transfer"),
            &app.college,
            json!({"to_org_id": fx.branch, "on": "2020-08-31", "reason": "回调"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, audit) =
        app.get(&format!("/api/v1/audit?entity=member&entity_id={id}&action=transfer"), &app.college).await;
    assert_eq!(audit["total"], 1, "{audit}");
});

both!(status_change_recorded, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app.post_json("/api/v1/members", &app.branch, member_json(fx.branch, "林流动", 51)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/members/{id}/status");
    let (s, v) = app
        .post_json(&path, &app.branch, json!({"special_status": "mobile", "since": "2026-03-01", "note": "外出务工"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["special_status"], "mobile");
    assert_eq!(v["special_status_since"], "2026-03-01");
    // Unchanged, future, before joining, unknown: refused.
    let (s, _) = app.post_json(&path, &app.branch, json!({"special_status": "mobile", "since": "2026-04-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.post_json(&path, &app.branch, json!({"special_status": "abroad", "since": "2999-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.post_json(&path, &app.branch, json!({"special_status": "abroad", "since": "2000-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = app.post_json(&path, &app.branch, json!({"special_status": "retired", "since": "2026-04-01"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = app.post_json(&path, &app.branch, json!({"special_status": "normal", "since": "2026-05-01"})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, p) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    let ev = p["status_events"].as_array().unwrap();
    assert_eq!(ev.len(), 2, "{p}");
    assert_eq!(ev[0]["field"], "special_status");
    assert_eq!(ev[0]["old_value"], "normal");
    assert_eq!(ev[0]["new_value"], "mobile");
    assert_eq!(ev[0]["effective_on"], "2026-03-01");
    assert_eq!(ev[0]["note"], "外出务工");
    assert_eq!(ev[1]["new_value"], "normal");
    assert_eq!(p["member"]["special_status"], "normal");
    // The roster filter by special status.
    let (_, l) = app.get("/api/v1/members?special_status=mobile&per_page=200", &app.admin).await;
    assert!(items(&l).iter().all(|m| m["special_status"] == "mobile"));
    assert!(!ids(&l).contains(&id));
    let n = app
        .scalar(&format!("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'status' AND entity_id = {id}"))
        .await;
    assert_eq!(n, 2);
});

both!(personal_data_masked_for_readers, |app| async move {
    let fx = app.fixtures().await;
    let (_, a) = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &app.admin).await;
    let full = a["member"]["id_card_no"].as_str().unwrap().to_string();
    assert_eq!(full.len(), 18);
    assert!(!full.contains('*'));
    let phone = a["member"]["phone"].as_str().unwrap().to_string();
    assert!(!phone.contains('*'));
    // Writers of the scope see it whole.
    for tok in [&app.college, &app.branch] {
        let (_, v) = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), tok).await;
        assert_eq!(v["member"]["id_card_no"].as_str(), Some(full.as_str()));
    }
    // The inspector sees masks, in the profile and in the list.
    let (s, v) = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &app.inspector).await;
    assert_eq!(s, StatusCode::OK);
    let masked = v["member"]["id_card_no"].as_str().unwrap();
    assert!(masked.contains('*'), "{masked}");
    assert_ne!(masked, full);
    assert!(masked.ends_with(&full[14..]));
    assert!(v["member"]["phone"].as_str().unwrap().contains('*'));
    let (_, l) = app.get(&format!("/api/v1/members?org={}&per_page=200", fx.branch), &app.inspector).await;
    assert!(items(&l).iter().all(|m| m["id_card_no"].as_str().is_none_or(|s| s.contains('*'))));
    // The member sees their own number whole.
    let (_, me) = app.get(&format!("/api/v1/members/{}", fx.member_me), &app.member).await;
    assert!(!me["member"]["id_card_no"].as_str().unwrap().contains('*'));
    // Searching by the tail still works for the inspector; the full number reveals nothing more.
    let (_, l) = app.get(&format!("/api/v1/members?q={}&per_page=200", &full[14..]), &app.inspector).await;
    assert!(ids(&l).contains(&fx.other_in_branch));
});

both!(refused_write_then_write, |app| async move {
    // A refused write (its rollback runs after the writer lock is released) followed at once by
    // a write that reads first: on SQLite this must wait for the lock, never answer 500.
    let fx = app.fixtures().await;
    let (s, v) = app.post_json("/api/v1/members", &app.branch, member_json(fx.branch, "占位", 0)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let total = app.member_total().await;
    for i in 1..=60u32 {
        let (s, v) = app.post_json("/api/v1/members", &app.branch, member_json(fx.branch, "重复", 0)).await;
        assert_eq!(s, StatusCode::CONFLICT, "round {i}: {v}");
        let (s, v) = app.post_json("/api/v1/members", &app.branch, member_json(fx.branch, "接着写", i)).await;
        assert_eq!(s, StatusCode::OK, "round {i}: {v}");
    }
    assert_eq!(app.member_total().await, total + 60);
});
