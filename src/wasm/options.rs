//! Reading the `AuthClient` options object.

use js_sys::Function;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

use super::{error, host, json};
use crate::provider::ProviderConfig;
use crate::session::{Config, RefreshStrategy};

/// The parsed options.
pub struct Options {
    pub provider: ProviderConfig,
    pub config: Config,
    pub storage: JsValue,
    pub storage_key: String,
    pub fetch: JsValue,
    pub timeout_ms: f64,
    pub app_token_fn: Option<Function>,
    pub refresh_callback: Option<Function>,
    pub auto_refresh: bool,
    pub lock_timeout_ms: f64,
    pub allow_client_secret: bool,
}

/// Default request timeout.
const TIMEOUT_MS: f64 = 15_000.0;
/// Default wait for the cross-tab refresh lock.
const LOCK_TIMEOUT_MS: f64 = 5_000.0;

impl Options {
    /// Parses `new AuthClient(options)`.
    pub fn parse(opts: &JsValue) -> Result<Options, JsValue> {
        if !opts.is_object() {
            return Err(error::config("AuthClient needs an options object."));
        }
        let plain = match json::from_js(opts, "options")? {
            Value::Object(m) => m,
            _ => return Err(error::config("AuthClient needs an options object.")),
        };
        let provider = provider_config(opts, &plain)?;
        let config = session_config(&plain)?;
        let fetch = json::get(opts, "fetch");
        if !(fetch.is_undefined() || fetch.is_null() || host::is_function(&fetch)) {
            return Err(error::config("fetch must be a function."));
        }
        let app_token = json::get(opts, "appToken");
        let app_token_fn = host::is_function(&app_token).then(|| Function::from(app_token));
        let refresh_callback = match config.refresh {
            RefreshStrategy::Callback => {
                let f = json::get(&json::get(opts, "refresh"), "callback");
                if !host::is_function(&f) {
                    return Err(error::config(
                        "refresh: { strategy: 'callback' } needs a callback function.",
                    ));
                }
                Some(Function::from(f))
            }
            _ => None,
        };
        let name = provider.flow().name().to_owned();
        let storage_key = json::get_string(opts, "storageKey").unwrap_or_else(|| {
            let mut k = String::from("phone-auth.");
            k.push_str(&name);
            k
        });
        let has_document = !json::get(&js_sys::global().into(), "document").is_undefined();
        let auto_refresh = json::get(opts, "autoRefresh")
            .as_bool()
            .unwrap_or(has_document);
        Ok(Options {
            provider,
            config,
            storage: json::get(opts, "storage"),
            storage_key,
            fetch,
            timeout_ms: json::get_number(opts, "timeoutMs").unwrap_or(TIMEOUT_MS),
            app_token_fn,
            refresh_callback,
            auto_refresh,
            lock_timeout_ms: json::get_number(opts, "lockTimeoutMs").unwrap_or(LOCK_TIMEOUT_MS),
            allow_client_secret: json::get(opts, "allowClientSecretInBrowser")
                .as_bool()
                .unwrap_or(false),
        })
    }
}

/// `provider: 'gizo' | 'arita' | 'monetha' | 'sso' | description`, with the other
/// options (`baseUrl`, `appToken`, `deviceId`, …) as the provider's settings.
fn provider_config(opts: &JsValue, plain: &Map<String, Value>) -> Result<ProviderConfig, JsValue> {
    let mut fields = plain.clone();
    match plain.get("provider") {
        Some(Value::String(name)) => {
            if !matches!(name.as_str(), "gizo" | "arita" | "monetha" | "sso") {
                return Err(error::config(
                    "provider must be 'gizo', 'arita', 'monetha', 'sso' or a description object.",
                ));
            }
        }
        Some(Value::Object(desc)) => {
            fields = desc.clone();
            if let Some(base) = plain.get("baseUrl") {
                fields.entry("baseUrl").or_insert_with(|| base.clone());
            }
            fields.insert("provider".into(), Value::String("custom".into()));
        }
        _ => {
            let _ = opts;
            return Err(error::config("provider is missing."));
        }
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| {
        let mut m = String::from("the provider settings are not valid: ");
        m.push_str(&e.to_string());
        error::config(&m)
    })
}

fn session_config(plain: &Map<String, Value>) -> Result<Config, JsValue> {
    let mut c = Map::new();
    if let Some(v) = plain.get("refreshMarginSeconds") {
        c.insert("refreshMarginSecs".into(), v.clone());
    }
    if let Some(v) = plain.get("defaultCountry") {
        c.insert("defaultRegion".into(), v.clone());
    }
    if let Some(v) = plain.get("refresh") {
        c.insert("refresh".into(), v.clone());
    }
    for (js, core) in [
        ("resendCooldownSeconds", "resendCooldownSecs"),
        ("codeTtlSeconds", "codeTtlSecs"),
        ("maxAttempts", "maxAttempts"),
        ("opaqueTokenLifetimeSeconds", "opaqueTokenLifetimeSecs"),
    ] {
        if let Some(v) = plain.get(js) {
            c.insert(core.into(), v.clone());
        }
    }
    serde_json::from_value(Value::Object(c)).map_err(|e| {
        let mut m = String::from("the options are not valid: ");
        m.push_str(&e.to_string());
        error::config(&m)
    })
}
