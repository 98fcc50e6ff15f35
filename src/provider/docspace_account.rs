//! The account behind a credential: `GET /api/2.0/people/@self`. Its
//! privilege is its role, plus `auth:ldap` / `auth:sso` when set.

use super::Grant;
use super::docspace::envelope;
use super::kind;
use serde_json::Value;

pub(super) const PATH: &str = "/api/2.0/people/@self";

/// The role flags, highest first, and the role each one means.
const FLAGS: &[(&str, &str)] = &[
    ("isOwner", "role:owner"),
    ("isAdmin", "role:docspace-admin"),
    ("isRoomAdmin", "role:room-admin"),
    ("isCollaborator", "role:user"),
    ("isVisitor", "role:guest"),
];

pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let profile = envelope(body)?;
    if !profile.is_object() {
        return Err(format!(
            "expected `response` to be the profile, found {}",
            kind(profile)
        ));
    }
    let set = |flag: &str| profile.get(flag) == Some(&Value::Bool(true));
    let mut notes = Vec::new();
    let role = match FLAGS.iter().find(|(flag, _)| set(flag)) {
        Some((_, role)) => *role,
        None => {
            notes.push("no role flag is set on the profile; reported as role:user".to_owned());
            "role:user"
        }
    };
    let mut privileges = vec![role.to_owned()];
    if set("isLDAP") {
        privileges.push("auth:ldap".to_owned());
    }
    if set("isSSO") {
        privileges.push("auth:sso".to_owned());
    }
    if let Some(Value::String(who)) = profile.get("email").or_else(|| profile.get("userName")) {
        notes.push(format!("account {who}"));
    }
    Ok(Grant::new(privileges, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(fields: Value) -> Value {
        json!({"response": fields, "count": 1, "status": 0, "statusCode": 200})
    }

    #[test]
    fn the_highest_flag_is_the_role() {
        let g = parse(&profile(
            json!({"isOwner": true, "isAdmin": true, "email": "o@example.com"}),
        ))
        .unwrap();
        assert_eq!(g.privileges, ["role:owner"]);
        assert_eq!(g.notes, ["account o@example.com"]);
        let g = parse(&profile(
            json!({"isOwner": false, "isAdmin": false, "isRoomAdmin": true}),
        ))
        .unwrap();
        assert_eq!(g.privileges, ["role:room-admin"]);
        let g = parse(&profile(
            json!({"isVisitor": true, "isSSO": true, "isLDAP": true}),
        ))
        .unwrap();
        assert_eq!(g.privileges, ["auth:ldap", "auth:sso", "role:guest"]);
    }

    #[test]
    fn no_flag_is_a_user_with_a_note_and_bad_shapes_are_errors() {
        let g = parse(&profile(json!({"displayName": "x"}))).unwrap();
        assert_eq!(g.privileges, ["role:user"]);
        assert!(parse(&profile(json!([]))).is_err());
        assert!(parse(&json!({"isOwner": true})).is_err());
    }
}
