//! A Coveo platform on loopback: `POST /rest/organizations/{org}/privileges/token`
//! as API-FACTS.md describes it (bare JSON arrays, errors with errorCode and
//! requestID, the request id also in `X-Request-ID`).

use super::server::{Hit, Reply, Server};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub struct Platform {
    pub organization: String,
    /// Token -> the privilege list the platform answers for it.
    pub tokens: HashMap<String, Value>,
    /// Tokens that may call the endpoint for others (any valid token may).
    pub callers: Vec<String>,
}

impl Platform {
    pub fn new(organization: &str) -> Platform {
        Platform {
            organization: organization.into(),
            ..Platform::default()
        }
    }

    pub fn with_token(mut self, token: &str, privileges: Value) -> Platform {
        self.tokens.insert(token.into(), privileges);
        self
    }

    pub fn start(self) -> Server {
        Server::start(move |hit| self.answer(hit))
    }

    fn error(status: u16, code: &str, message: &str) -> Reply {
        let id = "c0ffee00-1111-4222-8333-444455556666";
        Reply::json(
            status,
            format!(r#"{{"message":"{message}","errorCode":"{code}","requestID":"{id}"}}"#),
        )
        .with_header("X-Request-ID", id)
    }

    pub fn answer(&self, hit: &Hit) -> Reply {
        let expected = format!("/rest/organizations/{}/privileges/token", self.organization);
        if hit.path() != expected || !matches!(hit.method.as_str(), "POST" | "GET") {
            return Platform::error(404, "RESOURCE_NOT_FOUND", "Not found");
        }
        let Some(caller) = hit
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
        else {
            return Platform::error(401, "UNAUTHORIZED", "No authentication was provided.");
        };
        if !self.tokens.contains_key(caller) && !self.callers.iter().any(|c| c == caller) {
            return Platform::error(
                401,
                "INVALID_TOKEN",
                "The provided token is invalid or expired.",
            );
        }
        let query = hit.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let inspected = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("accessToken="));
        match inspected.and_then(|t| self.tokens.get(t)) {
            Some(privileges) => Reply::json(200, privileges.to_string()),
            None => Platform::error(
                401,
                "INVALID_TOKEN",
                "The provided token is invalid or expired.",
            ),
        }
    }
}
