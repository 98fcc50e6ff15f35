//! A DocSpace portal on loopback, answering as the server does
//! (shared/reference/API-FACTS.md): JSON envelopes, 401 and 403 with empty
//! bodies, `Bearer` required before an API key, sign-in with
//! `POST /api/2.0/authentication`, and the profile at `/people/@self`.

use super::server::{Hit, Reply, Server};
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub struct Portal {
    /// API key secret -> its stored permission list (`[]` is full access).
    pub keys: HashMap<String, Vec<String>>,
    /// email -> (password, profile flags such as `{"isAdmin": true}`).
    pub users: HashMap<String, (String, Value)>,
    /// Accounts whose sign-in needs a second factor.
    pub tfa: Vec<String>,
}

impl Portal {
    pub fn with_key(mut self, secret: &str, permissions: &[&str]) -> Portal {
        self.keys.insert(
            secret.into(),
            permissions.iter().map(|s| s.to_string()).collect(),
        );
        self
    }

    pub fn with_user(mut self, email: &str, password: &str, flags: Value) -> Portal {
        self.users.insert(email.into(), (password.into(), flags));
        self
    }

    pub fn with_tfa_user(mut self, email: &str, password: &str) -> Portal {
        self.tfa.push(email.into());
        self.with_user(email, password, json!({}))
    }

    pub fn start(self) -> Server {
        Server::start(move |hit| self.answer(hit))
    }

    /// The session token the portal hands `email` at sign-in.
    pub fn session_token(email: &str) -> String {
        format!("session.{}.3f9a7c", email.replace('@', "_"))
    }

    pub fn answer(&self, hit: &Hit) -> Reply {
        match (hit.method.as_str(), hit.path()) {
            ("GET", "/api/2.0/keys/@self") => self.key_self(hit),
            ("GET", "/api/2.0/keys") => self.key_list(hit),
            ("POST", "/api/2.0/authentication") => self.sign_in(hit),
            ("GET", "/api/2.0/people/@self") => self.people_self(hit),
            ("GET", "/api/2.0/keys/permissions") => self.permission_catalog(hit),
            ("GET", "/api/2.0/security/oauth2/token") => self.signature(hit),
            ("GET", "/api/2.0/scopes") => self.scope_catalog(hit),
            // Routes the key permissions guard (API-FACTS.md, "Meaning of
            // the permissions"): a probe's targets.
            ("GET", "/api/2.0/files/@my" | "/api/2.0/files/@privacy/available") => {
                self.scoped(hit, "files")
            }
            ("GET", "/api/2.0/files/rooms") => self.scoped(hit, "rooms"),
            ("GET", "/api/2.0/people") => self.scoped(hit, "accounts"),
            _ => Reply::empty(404),
        }
    }

    fn key_self(&self, hit: &Hit) -> Reply {
        // A bare `sk-...` header is answered 401: the word Bearer is required.
        let Some(secret) = hit
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
        else {
            return Reply::empty(401);
        };
        let Some(perms) = self.keys.get(secret) else {
            return Reply::empty(401);
        };
        envelope(hit, Portal::key_json(secret, perms))
    }

    /// The id the portal gives a key: stable, different per key, and (as on
    /// the real server, a UUID) nothing of the secret in it.
    pub fn key_id(secret: &str) -> String {
        let hash = secret.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("id-{hash:016x}")
    }

    fn key_json(secret: &str, perms: &[String]) -> Value {
        let postfix = &secret[secret.len().saturating_sub(4)..];
        json!({
            "id": Portal::key_id(secret),
            "name": format!("key {postfix}"),
            "key": format!("sk-***{postfix}"),
            "keyPostfix": postfix,
            "permissions": perms,
            "lastUsed": "2026-11-20T08:01:02.0000000Z",
            "createOn": "2026-10-01T12:00:00.0000000Z",
            "createBy": {"id": "0a4e6c1e-3b1f-4c52-9d0e-6f2b7a1c9e01", "displayName": "Dana Ops"},
            "isActive": true
        })
    }

    /// Every key, for an admin key (full access or a `*` permission).
    fn key_list(&self, hit: &Hit) -> Reply {
        let Some(perms) = self.key_perms(hit) else {
            return Reply::empty(401);
        };
        if !(perms.is_empty() || perms.iter().any(|p| p.starts_with('*'))) {
            return Reply::empty(403);
        }
        let mut keys: Vec<(&String, &Vec<String>)> = self.keys.iter().collect();
        keys.sort();
        envelope(
            hit,
            Value::Array(
                keys.into_iter()
                    .map(|(s, p)| Portal::key_json(s, p))
                    .collect(),
            ),
        )
    }

    fn sign_in(&self, hit: &Hit) -> Reply {
        let body: Value = serde_json::from_str(&hit.body).unwrap_or(Value::Null);
        let (Some(user), Some(password)) = (body["userName"].as_str(), body["password"].as_str())
        else {
            return Reply::empty(400);
        };
        match self.users.get(user) {
            Some((p, _)) if p == password && self.tfa.iter().any(|t| t == user) => envelope(
                hit,
                json!({"sms": false, "tfa": true, "confirmUrl": "http://127.0.0.1/confirm/TfaActivation"}),
            ),
            Some((p, _)) if p == password => envelope(
                hit,
                json!({"token": Portal::session_token(user), "expires": "2027-06-30T10:13:11.1234567Z",
                       "sms": false, "tfa": false}),
            ),
            _ => Reply::json(
                401,
                r#"{"error":{"message":"User authentication failed","type":null,"stack":null,"hresult":0},"status":1,"statusCode":401}"#,
            ),
        }
    }

    /// Which account an `Authorization` header is, as the server decides:
    /// basic auth, a session token (with or without `Bearer`), or an API
    /// key that holds `accounts.self:*` or a `*` permission.
    fn account(&self, hit: &Hit) -> Option<(&String, &Value)> {
        let header = hit.header("authorization")?;
        let by_email = |email: &str| self.users.get_key_value(email).map(|(e, (_, f))| (e, f));
        if let Some(encoded) = header.strip_prefix("Basic ") {
            return self.users.iter().find_map(|(email, (password, flags))| {
                (super::base64(format!("{email}:{password}").as_bytes()) == encoded)
                    .then_some((email, flags))
            });
        }
        let token = header.strip_prefix("Bearer ").unwrap_or(header);
        if let Some(email) = self
            .users
            .keys()
            .find(|e| Portal::session_token(e) == token)
        {
            return by_email(email);
        }
        let perms = self.keys.get(token)?;
        let allowed = perms.is_empty()
            || perms
                .iter()
                .any(|p| p.starts_with("accounts.self:") || p.starts_with("*"));
        allowed.then(|| self.users.iter().next().map(|(e, (_, f))| (e, f)))?
    }

    /// Whether a key's permissions pass a GET route of `resource`: its
    /// read or write permission, `*:read`, `*:write`, `*`, or full access
    /// (`[]`). `accounts:read` does not pass `accounts.self` routes.
    pub fn passes_read(perms: &[String], resource: &str) -> bool {
        perms.is_empty()
            || perms.iter().any(|p| {
                matches!(p.as_str(), "*" | "*:read" | "*:write")
                    || *p == format!("{resource}:read")
                    || *p == format!("{resource}:write")
            })
    }

    /// A GET route that needs `resource`'s read permission: 401 for an
    /// unknown key, 403 with an empty body for a missing scope, else a
    /// listing (with data that must never be recorded).
    fn scoped(&self, hit: &Hit, resource: &str) -> Reply {
        let Some(perms) = self.key_perms(hit) else {
            return Reply::empty(401);
        };
        if !Portal::passes_read(perms, resource) {
            return Reply::empty(403);
        }
        envelope(
            hit,
            json!([{"title": "payroll-2026.xlsx", "secret": PRIVATE_DATA}]),
        )
    }

    fn people_self(&self, hit: &Hit) -> Reply {
        if let Some(perms) = self.key_perms(hit) {
            if !Portal::passes_read(perms, "accounts.self") {
                return Reply::empty(403);
            }
            if self.users.is_empty() {
                return envelope(
                    hit,
                    json!({"id": "0a4e6c1e", "displayName": "Key Owner", "email": PRIVATE_DATA}),
                );
            }
        }
        let Some((email, flags)) = self.account(hit) else {
            return Reply::empty(401);
        };
        let mut profile = json!({
            "id": "0a4e6c1e-3b1f-4c52-9d0e-6f2b7a1c9e01",
            "displayName": "Loopback User",
            "email": email,
            "userName": email.split('@').next().unwrap_or(""),
            "isOwner": false, "isAdmin": false, "isRoomAdmin": false,
            "isCollaborator": false, "isVisitor": false, "isLDAP": false, "isSSO": false
        });
        for (k, v) in flags.as_object().into_iter().flatten() {
            profile[k] = v.clone();
        }
        envelope(hit, profile)
    }
}

/// Data a success body holds that no fixture may ever hold.
pub const PRIVATE_DATA: &str = "PRIVATE-DATA-7f3e9c";

/// The signature `/api/2.0/security/oauth2/token` hands out, a JWT.
pub const SIGNATURE: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzaWduYXR1cmUiOiJsb29wYmFjayJ9.c2lnbmF0dXJlLXNpZw";

impl Portal {
    fn key_perms(&self, hit: &Hit) -> Option<&Vec<String>> {
        let secret = hit.header("authorization")?.strip_prefix("Bearer ")?;
        self.keys.get(secret)
    }

    /// The catalog of every permission name, in a locale's order; from
    /// 3.7.1 only for keys with `*:read` or `*:write` (or full access).
    fn permission_catalog(&self, hit: &Hit) -> Reply {
        let Some(perms) = self.key_perms(hit) else {
            return Reply::empty(401);
        };
        let wide = perms.is_empty()
            || perms
                .iter()
                .any(|p| p == "*" || p == "*:read" || p == "*:write");
        if !wide {
            return Reply::empty(403);
        }
        envelope(
            hit,
            json!([
                "files:read",
                "*",
                "accounts.self:write",
                "rooms:read",
                "*:read",
                "accounts:read",
                "files:write",
                "*:write",
                "accounts:write",
                "rooms:write",
                "accounts.self:read"
            ]),
        )
    }

    fn signature(&self, hit: &Hit) -> Reply {
        if self.key_perms(hit).is_none() && self.account(hit).is_none() {
            return Reply::empty(401);
        }
        envelope(hit, json!(SIGNATURE))
    }

    /// The identity service's scope list: a bare array, sorted by name with
    /// `openid` last; refused without the `x-signature` header.
    fn scope_catalog(&self, hit: &Hit) -> Reply {
        if hit.header("x-signature") != Some(SIGNATURE) {
            return Reply::empty(403);
        }
        let scope = |name: &str, group: &str, kind: &str| json!({"group": group, "name": name, "type": kind});
        let body = json!([
            scope("accounts.self:read", "profiles", "read"),
            scope("accounts.self:write", "profiles", "write"),
            scope("accounts:read", "accounts", "read"),
            scope("accounts:write", "accounts", "write"),
            scope("files:read", "files", "read"),
            scope("files:write", "files", "write"),
            scope("rooms:read", "rooms", "read"),
            scope("rooms:write", "rooms", "write"),
            {"name": "openid", "type": "openid", "group": "openid"},
        ]);
        Reply::json(200, body.to_string())
    }
}

/// DocSpace's success envelope around `payload`.
pub fn envelope(hit: &Hit, payload: Value) -> Reply {
    let host = hit.header("host").unwrap_or("127.0.0.1");
    let body = json!({
        "response": payload,
        "count": 1,
        "links": [{"href": format!("http://{host}{}", hit.target), "action": hit.method}],
        "status": 0,
        "statusCode": 200
    });
    Reply::json(200, body.to_string())
}
