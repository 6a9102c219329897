//! API tokens through the public interface: a token never sees more than its owner nor more
//! than its role (every owner role against every token role), tokens expire by default, and
//! their owners list and revoke their own.

use crate::helpers::{TestApp, agreement_body, bearer_client, party_member_token, spawn_apps};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A member of the test tenant and the client that acts as them with their own role.
struct User {
    email: String,
    role: Role,
    party: Option<String>,
    client: reqwest::Client,
}

/// An agreement as the visibility rules see it.
struct Agreement {
    id: String,
    owner: String,
    parties: BTreeSet<String>,
    granted: Vec<String>,
}

/// The documented rule (docs/security.md, "Which agreements"): what `user` would see acting
/// with `role`.
fn sees(role: Role, user: &User, a: &Agreement) -> bool {
    match role {
        Role::Admin | Role::Legal => true,
        Role::Procurement | Role::Viewer => a.granted.is_empty() || a.granted.contains(&user.email),
        Role::BusinessOwner => a.owner == user.email || a.granted.contains(&user.email),
        Role::Counterparty => user.party.as_ref().is_some_and(|p| a.parties.contains(p)),
    }
}

/// Adds a member with `role` (a counterparty linked to `party`) and returns a client holding a
/// token the member made for themselves with their own role.
async fn member(app: &TestApp, email: &str, role: Role, party: Option<&str>) -> User {
    let token = party_member_token(
        &app.store,
        &app.actor,
        email,
        role,
        party.map(|p| p.parse().unwrap()),
    )
    .await;
    User {
        email: email.to_owned(),
        role,
        party: party.map(str::to_owned),
        client: bearer_client(&token),
    }
}

async fn json(c: &reqwest::Client, url: String) -> (u16, Value) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The agreement ids a client lists, and the agreement ids its clause search finds.
async fn sight(app: &TestApp, c: &reqwest::Client) -> (BTreeSet<String>, BTreeSet<String>) {
    let (s, list) = json(c, format!("{}/api/agreements?limit=100", app.addr)).await;
    assert_eq!(s, 200, "{list}");
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let (s, hits) = json(c, format!("{}/api/search?q=zephyrine&limit=100", app.addr)).await;
    assert_eq!(s, 200, "{hits}");
    let found = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["agreement_id"].as_str().unwrap().to_owned())
        .collect();
    (listed, found)
}

async fn seed(app: &TestApp, globex: &str) -> Vec<Agreement> {
    let (_, members) = app.get("/api/users").await;
    let uid = |email: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["user_id"]
            .clone()
    };
    // (owner, with Globex, granted users)
    let shapes: [(&str, bool, &[&str]); 4] = [
        ("bo@example.com", true, &[]),
        ("maria@example.com", false, &[]),
        (
            "maria@example.com",
            true,
            &["viewer@example.com", "bo@example.com"],
        ),
        ("bo@example.com", false, &["procurement@example.com"]),
    ];
    let mut out = Vec::new();
    for (i, (owner, with_globex, granted)) in shapes.into_iter().enumerate() {
        let mut b = agreement_body();
        b["title"] = json!(format!("Token sight {i}"));
        b["owner"] = json!(owner);
        if !with_globex {
            b["parties"][1] = json!({"legal_name": "Initech Ltd", "role": "partner"});
        }
        let (s, a) = app.post_agreement(b).await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_str().unwrap().to_owned();
        let doc = format!(
            "COLLABORATION AGREEMENT\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and {}.\n\n1. Records. Each party keeps the Zephyrine records for agreement {i}.\n",
            if with_globex {
                "Globex GmbH (\"Globex\")"
            } else {
                "Initech Ltd (\"Initech\")"
            }
        );
        let (s, v) = app
            .post_bytes(
                &format!("/api/agreements/{id}/versions?filename=a.txt"),
                doc.into_bytes(),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        if !granted.is_empty() {
            let ids: Vec<Value> = granted.iter().map(|e| uid(e)).collect();
            let (s, v) = app
                .send(
                    Method::PUT,
                    &format!("/api/agreements/{id}/access"),
                    json!({ "user_ids": ids }),
                )
                .await;
            assert_eq!(s, 204, "{v}");
        }
        let parties = a["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["party_id"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<_>>();
        if with_globex {
            assert!(
                parties.contains(globex),
                "one Globex party across agreements"
            );
        }
        out.push(Agreement {
            id,
            owner: owner.to_owned(),
            parties,
            granted: granted.iter().map(|g| (*g).to_owned()).collect(),
        });
    }
    out
}

async fn a_token_sees_no_more_than_its_owner_nor_its_role_for_every_pair_of_roles() {
    for app in spawn_apps().await {
        // The Globex party exists before its counterparty user does.
        let mut draft = agreement_body();
        draft["status"] = "draft".into();
        let (_, first) = app.post_agreement(draft).await;
        let globex = first["parties"][1]["party_id"].as_str().unwrap().to_owned();
        let (s, _) = app
            .send(
                Method::DELETE,
                &format!("/api/agreements/{}", first["id"].as_str().unwrap()),
                Value::Null,
            )
            .await;
        assert_eq!(s, 204);
        let mut users = Vec::new();
        for (email, role) in [
            ("legal@example.com", Role::Legal),
            ("procurement@example.com", Role::Procurement),
            ("bo@example.com", Role::BusinessOwner),
            ("viewer@example.com", Role::Viewer),
        ] {
            users.push(member(&app, email, role, None).await);
        }
        users.push(member(&app, "cp@globex.example", Role::Counterparty, Some(&globex)).await);
        users.push(User {
            email: "admin@example.com".into(),
            role: Role::Admin,
            party: None,
            client: app.client.clone(),
        });
        let agreements = seed(&app, &globex).await;
        let expect = |role: Role, user: &User| -> BTreeSet<String> {
            agreements
                .iter()
                .filter(|a| sees(user.role, user, a) && sees(role, user, a))
                .map(|a| a.id.clone())
                .collect()
        };

        for owner in &users {
            // The owner's own sight follows the documented rule (this checks the model too).
            let (listed, found) = sight(&app, &owner.client).await;
            assert_eq!(
                listed,
                expect(owner.role, owner),
                "{} {}",
                app.label,
                owner.email
            );
            assert_eq!(found, listed, "{} search as {}", app.label, owner.email);
            for role in Role::ALL {
                let r = owner
                    .client
                    .post(format!("{}/api/tokens", app.addr))
                    .json(&json!({"name": format!("as {}", role.as_str()), "role": role}))
                    .send()
                    .await
                    .unwrap();
                if !owner.role.allows_all_of(role) {
                    assert_eq!(
                        r.status(),
                        422,
                        "{}: a {:?} cannot make a {role:?} token",
                        app.label,
                        owner.role
                    );
                    continue;
                }
                assert_eq!(
                    r.status(),
                    201,
                    "{} {:?} -> {role:?}",
                    app.label,
                    owner.role
                );
                let t: Value = r.json().await.unwrap();
                let token = bearer_client(t["token"].as_str().unwrap());
                let (listed, found) = sight(&app, &token).await;
                let want = expect(role, owner);
                assert_eq!(
                    listed, want,
                    "{}: a {role:?} token of a {:?} lists what both see",
                    app.label, owner.role
                );
                assert_eq!(found, want, "{}: and searches no more", app.label);
                // Reading one agreement directly obeys the same rule.
                for a in &agreements {
                    let (s, _) =
                        json(&token, format!("{}/api/agreements/{}", app.addr, a.id)).await;
                    assert_eq!(
                        s,
                        if want.contains(&a.id) { 200 } else { 404 },
                        "{}: {role:?} token of {:?} reading {}",
                        app.label,
                        owner.role,
                        a.id
                    );
                }
            }
        }
    }
}

entente_store::on_each_backend!(
    a_token_sees_no_more_than_its_owner_nor_its_role_for_every_pair_of_roles
);

async fn tokens_expire_by_default_and_owners_list_and_revoke_only_their_own() {
    for app in spawn_apps().await {
        let viewer = member(&app, "viewer@example.com", Role::Viewer, None).await;
        let other = member(&app, "other@example.com", Role::Viewer, None).await;
        let r = viewer
            .client
            .post(format!("{}/api/tokens", app.addr))
            .json(&json!({"name": "laptop"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let mine: Value = r.json().await.unwrap();
        let r = other
            .client
            .post(format!("{}/api/tokens", app.addr))
            .json(&json!({"name": "theirs", "expires_in_days": 7}))
            .send()
            .await
            .unwrap();
        let theirs: Value = r.json().await.unwrap();

        // A member lists their own tokens only, each with its expiry.
        let (s, list) = json(&viewer.client, format!("{}/api/tokens", app.addr)).await;
        assert_eq!(s, 200, "{list}");
        let list = list.as_array().unwrap();
        assert!(
            list.iter().all(|t| t["owner"] == "viewer@example.com"),
            "{list:?}"
        );
        let laptop = list.iter().find(|t| t["id"] == mine["id"]).unwrap();
        let expires: jiff::Timestamp = laptop["expires_at"].as_str().unwrap().parse().unwrap();
        let days = (expires - app.store.now().jiff()).get_seconds() as f64 / 86_400.0;
        assert!(
            (89.9..=90.0).contains(&days),
            "default lifetime 90 days: {days}"
        );
        let (_, all) = app.get("/api/tokens").await;
        let theirs_listed = all
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == theirs["id"])
            .unwrap();
        let expires: jiff::Timestamp = theirs_listed["expires_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let days = (expires - app.store.now().jiff()).get_seconds() as f64 / 86_400.0;
        assert!((6.9..=7.0).contains(&days), "asked lifetime: {days}");

        // Another's token is not theirs to revoke (and its id reveals nothing).
        let r = viewer
            .client
            .delete(format!(
                "{}/api/tokens/{}",
                app.addr,
                theirs["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let theirs_client = bearer_client(theirs["token"].as_str().unwrap());
        assert_eq!(
            json(&theirs_client, format!("{}/api/me", app.addr)).await.0,
            200
        );
        // Their own is.
        let r = viewer
            .client
            .delete(format!(
                "{}/api/tokens/{}",
                app.addr,
                mine["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let mine_client = bearer_client(mine["token"].as_str().unwrap());
        assert_eq!(
            json(&mine_client, format!("{}/api/me", app.addr)).await.0,
            401
        );
        // A lifetime out of range is refused and creates nothing.
        let before = app.get("/api/tokens").await.1.as_array().unwrap().len();
        let r = viewer
            .client
            .post(format!("{}/api/tokens", app.addr))
            .json(&json!({"name": "forever", "expires_in_days": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("expires_in_days"));
        assert_eq!(
            app.get("/api/tokens").await.1.as_array().unwrap().len(),
            before
        );
    }
}

entente_store::on_each_backend!(tokens_expire_by_default_and_owners_list_and_revoke_only_their_own);
