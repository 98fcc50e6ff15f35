//! A DocSpace portal on loopback, answering as the server does
//! (shared/reference/API-FACTS.md): JSON envelopes, 401 and 403 with empty
//! bodies, `Bearer` required before an API key.

use super::server::{Hit, Reply, Server};
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub struct Portal {
    /// API key secret -> its stored permission list (`[]` is full access).
    pub keys: HashMap<String, Vec<String>>,
    /// (user, password) -> (session token, profile flags).
    pub users: HashMap<(String, String), (String, Value)>,
    /// Accounts whose login needs a second factor.
    pub tfa_users: Vec<String>,
}

impl Portal {
    pub fn with_key(mut self, secret: &str, permissions: &[&str]) -> Portal {
        self.keys.insert(
            secret.into(),
            permissions.iter().map(|s| s.to_string()).collect(),
        );
        self
    }

    pub fn start(self) -> Server {
        Server::start(move |hit| self.answer(hit))
    }

    fn answer(&self, hit: &Hit) -> Reply {
        match (hit.method.as_str(), hit.path()) {
            ("GET", "/api/2.0/keys/@self") => self.key_self(hit),
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
        let postfix = &secret[secret.len().saturating_sub(4)..];
        envelope(
            hit,
            json!({
                "id": "6f1c2d3e-0a1b-4c5d-8e9f-0a1b2c3d4e5f",
                "name": "loopback key",
                "key": format!("sk-***{postfix}"),
                "keyPostfix": postfix,
                "permissions": perms,
                "lastUsed": "2026-11-20T08:01:02.0000000Z",
                "createOn": "2026-10-01T12:00:00.0000000Z",
                "createBy": {"id": "0a4e6c1e-3b1f-4c52-9d0e-6f2b7a1c9e01", "displayName": "Dana Ops"},
                "isActive": true
            }),
        )
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
