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

/// Every flag is a boolean the server always sends (DocSpace's own client
/// types them so: `ONLYOFFICE/DocSpace-client`,
/// `packages/shared/api/people/types.ts`, `TUser`). A flag that is missing
/// or not a boolean is an error, never `false`: reading `"isOwner": "true"`
/// as not-owner reported an owner as a user (issue 10, item 5).
pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let profile = envelope(body)?;
    if !profile.is_object() {
        return Err(format!(
            "expected `response` to be the profile, found {}",
            kind(profile)
        ));
    }
    let flag = |name: &str| match profile.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "expected `response.{name}` to be true or false, found {}",
            kind(other)
        )),
        None => Err(format!(
            "expected `response.{name}` to be true or false, found nothing"
        )),
    };
    let mut role = None;
    for (name, r) in FLAGS {
        if flag(name)? && role.is_none() {
            role = Some(*r);
        }
    }
    let Some(role) = role else {
        return Err(format!(
            "the profile sets none of the role flags {}, so its role cannot be read",
            FLAGS.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
        ));
    };
    let mut notes = Vec::new();
    let mut privileges = vec![role.to_owned()];
    if flag("isLDAP")? {
        privileges.push("auth:ldap".to_owned());
    }
    if flag("isSSO")? {
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
        let mut all = json!({"isOwner": false, "isAdmin": false, "isRoomAdmin": false,
                             "isCollaborator": false, "isVisitor": false, "isLDAP": false, "isSSO": false});
        for (k, v) in fields.as_object().into_iter().flatten() {
            all[k] = v.clone();
        }
        json!({"response": all, "count": 1, "status": 0, "statusCode": 200})
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

    /// Issue 10, item 5.
    #[test]
    fn missing_or_mistyped_flags_and_no_role_are_errors() {
        let e = parse(&profile(json!({"displayName": "x"}))).unwrap_err();
        assert!(e.contains("sets none of the role flags"), "{e}");
        let e = parse(&profile(json!({"isOwner": "true"}))).unwrap_err();
        assert!(
            e.contains("expected `response.isOwner` to be true or false, found a string"),
            "{e}"
        );
        let e = parse(&json!({"response": {"isCollaborator": true}})).unwrap_err();
        assert!(e.contains("`response.isOwner`"), "{e}");
        assert!(e.contains("found nothing"), "{e}");
        let e = parse(&profile(json!({"isCollaborator": true, "isSSO": 1}))).unwrap_err();
        assert!(e.contains("`response.isSSO`"), "{e}");
        assert!(parse(&json!({"isOwner": true})).is_err());
        assert!(parse(&json!({"response": []})).is_err());
    }
}
