//! Developer endpoints under `/__emulator/`, and the JWKS.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::app::{parse_number, App};
use crate::web::{json, not_found};

/// The routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/__emulator/health", get(health))
        .route("/__emulator/stats", get(stats))
        .route("/__emulator/sms", get(sms))
        .route("/__emulator/mail", get(mail))
        .route("/__emulator/users", get(users))
        .route("/__emulator/state", axum::routing::delete(wipe))
        .route("/.well-known/jwks.json", get(jwks))
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let state = app.state();
    json(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "users": state.users.len(),
            "pendingCodes": state.challenges.len(),
            "sms": state.sms.len(),
            "tokens": state.tokens.len(),
        }),
    )
}

/// `GET /__emulator/stats`: what is held, by kind ([`crate::store::Stats`]).
async fn stats(State(app): State<Arc<App>>) -> Response {
    json(StatusCode::OK, &json!(app.stats()))
}

/// `GET /__emulator/sms[?e164=+49…]`: newest first. The filter matches the E.164 form,
/// or the number exactly as the client wrote it, or any input the parser maps to it.
async fn sms(State(app): State<Arc<App>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let filter = q.get("e164").map(|raw| {
        // A `+` in a query string may arrive as a space.
        let raw = raw.trim();
        let raw = if raw.starts_with(|c: char| c.is_ascii_digit()) {
            format!("+{raw}")
        } else {
            raw.to_owned()
        };
        let parsed = parse_number(&raw).map(|n| n.e164);
        (raw, parsed)
    });
    let state = app.state();
    let list: Vec<_> = match &filter {
        None => state.sms.iter().rev().collect(),
        // A number that parses: its own list (the sender's `to` parses to the same E.164).
        Some((_, Some(e164))) => state.sms_to(e164).into_iter().rev().collect(),
        Some((raw, None)) => state
            .sms
            .iter()
            .rev()
            .filter(|s| &s.e164 == raw || &s.to == raw)
            .collect(),
    };
    json(StatusCode::OK, &json!(list))
}

async fn mail(State(app): State<Arc<App>>) -> Response {
    let state = app.state();
    let list: Vec<_> = state.mail.iter().rev().collect();
    json(StatusCode::OK, &json!(list))
}

/// `GET /__emulator/users`: registered users (no secrets), oldest first.
async fn users(State(app): State<Arc<App>>) -> Response {
    let state = app.state();
    let mut list: Vec<_> = state.users.values().collect();
    list.sort_by_key(|u| u.id);
    let list: Vec<_> = list
        .iter()
        .map(|u| {
            json!({
                "provider": u.provider.as_str(),
                "id": u.id,
                "e164": u.e164,
                "username": u.username,
                "hasPassword": u.password_hash.is_some(),
                "email": u.email,
                "createdAt": u.created_at,
            })
        })
        .collect();
    json(StatusCode::OK, &json!(list))
}

async fn wipe(State(app): State<Arc<App>>) -> Response {
    app.wipe();
    json(StatusCode::OK, &json!({"status": "wiped"}))
}

async fn jwks(State(app): State<Arc<App>>) -> Response {
    match app.keys.jwks() {
        Some(set) => json(StatusCode::OK, &json!(set)),
        None => not_found("/.well-known/jwks.json (start with --jwt-alg RS256)"),
    }
}
