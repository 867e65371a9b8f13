//! Development-case helpers shared by the HTTP tests: a case walked through its steps by the API.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

impl TestApp {
    /// Ids of the full members of `org` (first page of 200).
    pub async fn full_member_ids(&self, org: i64) -> Vec<i64> {
        let (s, v) = self.get(&format!("/api/v1/members?org={org}&status=full&per_page=200"), &self.admin).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
    }

    /// Records a step of a case.
    pub async fn case_step(&self, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
        self.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body).await
    }

    /// Records a step that must succeed; the case detail.
    pub async fn ok_case_step(&self, token: &str, case: i64, body: Value) -> Value {
        let (s, v) = self.case_step(token, case, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} → {v}");
        v
    }

    /// A vote step body with everyone eligible on `on` (as `token` sees the case) present and voting yes.
    pub async fn unanimous_vote(&self, token: &str, case: i64, step: &str, on: &str, extra: Value) -> Value {
        let (s, ev) = self.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on={on}"), token).await;
        assert_eq!(s, StatusCode::OK, "{ev}");
        let n = ev["eligible_voters"].as_u64().unwrap();
        let mut details = json!({"deciding_body": "党支部党员大会",
            "vote": {"eligible_voters": n, "present_voters": n, "written_opinions": 0, "yes_votes": n, "no_votes": 0, "abstain_votes": 0}});
        for (k, v) in extra.as_object().unwrap() {
            details[k] = v.clone();
        }
        json!({"step": step, "date": on, "details": details})
    }

    /// A new case in the `branch` account's branch, applying on `{y}-01-10`, walked through approval
    /// by the college: admission vote `{y+1}-05-10` (probation ends `{y+2}-05-10`), approval
    /// `{y+1}-06-01`, oath `{y+1}-06-20` and the conversion application `{y+2}-04-20`.
    pub async fn probationary_case(&self, name: &str, y: i32) -> i64 {
        let case = self.candidate_case(name, y, "admission_vote").await;
        let y1 = y + 1;
        let y2 = y + 2;
        let vote = self.unanimous_vote(&self.branch, case, "admission_vote", &format!("{y1}-05-10"), json!({})).await;
        self.ok_case_step(&self.branch, case, vote).await;
        let talk = json!({"step": "approval_talk", "date": format!("{y1}-05-20"), "details": {"people": ["组织员"]}});
        self.ok_case_step(&self.branch, case, talk).await;
        self.ok_case_step(&self.college, case, json!({"step": "approval", "date": format!("{y1}-06-01")})).await;
        for s in [
            json!({"step": "group_assignment", "date": format!("{y1}-06-05")}),
            json!({"step": "oath", "date": format!("{y1}-06-20")}),
            json!({"step": "probation_education", "date": format!("{y1}-10-01")}),
            json!({"step": "conversion_application", "date": format!("{y2}-04-20")}),
        ] {
            self.ok_case_step(&self.branch, case, s).await;
        }
        case
    }

    /// A new case like [`TestApp::probationary_case`]'s with every step before `stop_before` (a
    /// step id up to `admission_vote`) recorded.
    pub async fn candidate_case(&self, name: &str, y: i32, stop_before: &str) -> i64 {
        let fx = self.fixtures().await;
        let full = self.full_member_ids(fx.branch).await;
        let (s, v) = self
            .post_json(
                "/api/v1/development/cases",
                &self.branch,
                json!({"name": name, "gender": "female", "birth_date": "2003-05-01", "category": "student",
                       "org_id": fx.branch, "applied_on": format!("{y}-01-10")}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let case = v["id"].as_i64().unwrap();
        let y1 = y + 1;
        for s in [
            json!({"step": "talk", "date": format!("{y}-01-20"), "details": {"people": ["王书记"]}}),
            json!({"step": "activist_recommendation", "date": format!("{y}-03-15")}),
            json!({"step": "activist_filing", "date": format!("{y}-03-20")}),
            json!({"step": "mentor_assignment", "date": format!("{y}-03-20"), "details": {"mentor_ids": [full[0]]}}),
            json!({"step": "activist_education", "date": format!("{y}-09-10")}),
            json!({"step": "activist_education", "date": format!("{y1}-03-01")}),
            json!({"step": "candidate_determination", "date": format!("{y1}-03-20")}),
            json!({"step": "candidate_filing", "date": format!("{y1}-03-25")}),
            json!({"step": "sponsor_assignment", "date": format!("{y1}-04-01"), "details": {"sponsor_ids": [full[1], full[2]]}}),
            json!({"step": "political_review", "date": format!("{y1}-04-10"), "details": {"passed": true}}),
            json!({"step": "intensive_training", "date": format!("{y1}-04-15"), "details": {"training_days": 3, "training_hours": 24}}),
            json!({"step": "committee_review", "date": format!("{y1}-04-20")}),
            json!({"step": "pre_review", "date": format!("{y1}-04-25")}),
            json!({"step": "application_form", "date": format!("{y1}-04-28")}),
        ] {
            if s["step"] == stop_before {
                break;
            }
            self.ok_case_step(&self.branch, case, s).await;
        }
        case
    }

    /// The PUT body that keeps a member's record as it is (read from the profile).
    pub async fn member_input(&self, id: i64) -> Value {
        let (s, p) = self.get(&format!("/api/v1/members/{id}"), &self.branch).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let m = &p["member"];
        let mut body = json!({});
        for k in [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_card_no",
            "staff_no",
            "education",
            "title",
            "category",
            "phone",
            "enrollment_year",
            "status",
            "joined_on",
            "full_on",
            "special_status",
            "special_status_since",
        ] {
            body[k] = m[k].clone();
        }
        body
    }

    /// The member id of a case's person (after approval).
    pub async fn member_of_case(&self, case: i64) -> i64 {
        self.scalar(&format!(
            "SELECT m.id AS n FROM member m JOIN development_case c ON c.person_id = m.person_id WHERE c.id = {case}"
        ))
        .await
    }
}
