//! Reading the `AuthClient` options object: the JSON part (provider and session
//! settings) through `JSON.stringify`, the functions and the storage adapter through
//! `Reflect`.

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::{error, host, js};
use crate::json::{Map, Value};
use crate::origin::Policy;
use crate::provider::{Flow, ProviderConfig};
use crate::session::{Config, RefreshStrategy};

/// The parsed options.
pub struct Options {
    pub provider: ProviderConfig,
    pub config: Config,
    pub storage: JsValue,
    pub storage_key: String,
    pub fetch: JsValue,
    pub timeout_ms: f64,
    #[cfg(feature = "gizo")]
    pub app_token_fn: Option<Function>,
    pub refresh_callback: Option<Function>,
    pub auto_refresh: bool,
    pub lock_timeout_ms: f64,
    /// Where `auth.fetch` may send the token (`baseUrl`, `apiOrigins`, `allowInsecureHttp`).
    pub policy: Policy,
    #[cfg(feature = "extras")]
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
        let value = js::from_js(opts, "options")?;
        let Some(plain) = value.as_object() else {
            return Err(error::config("AuthClient needs an options object."));
        };
        let provider = provider_config(plain)?;
        let policy = policy(plain, &provider)?;
        let config =
            Config::from_json(&value).map_err(|e| invalid("the options are not valid: ", &e))?;
        let fetch = js::get(opts, "fetch");
        if !(fetch.is_undefined() || fetch.is_null() || host::is_function(&fetch)) {
            return Err(error::config("fetch must be a function."));
        }
        let refresh_callback = match config.refresh {
            RefreshStrategy::Callback => {
                let f = js::get(&js::get(opts, "refresh"), "callback");
                if !host::is_function(&f) {
                    return Err(error::config(
                        "refresh: { strategy: 'callback' } needs a callback function.",
                    ));
                }
                Some(Function::from(f))
            }
            _ => None,
        };
        let storage_key = js::get_string(opts, "storageKey").unwrap_or_else(|| {
            let mut k = String::from("phone-auth.");
            k.push_str(provider.flow().name());
            k
        });
        let auto_refresh = js::get(opts, "autoRefresh")
            .as_bool()
            .unwrap_or_else(host::has_document);
        Ok(Options {
            provider,
            config,
            storage: js::get(opts, "storage"),
            storage_key,
            fetch,
            timeout_ms: js::get_number(opts, "timeoutMs").unwrap_or(TIMEOUT_MS),
            #[cfg(feature = "gizo")]
            app_token_fn: {
                let app_token = js::get(opts, "appToken");
                host::is_function(&app_token).then(|| Function::from(app_token))
            },
            refresh_callback,
            auto_refresh,
            lock_timeout_ms: js::get_number(opts, "lockTimeoutMs").unwrap_or(LOCK_TIMEOUT_MS),
            policy,
            #[cfg(feature = "extras")]
            allow_client_secret: js::get(opts, "allowClientSecretInBrowser")
                .as_bool()
                .unwrap_or(false),
        })
    }
}

/// `provider: 'gizo' | 'arita' | 'monetha' | 'sso' | description`, with the other
/// options (`baseUrl`, `appToken`, `deviceId`, …) as the provider's settings. A
/// description becomes the tagged form `{"provider":"custom",…}` (taking the top-level
/// `baseUrl` when it has none of its own).
fn provider_config(plain: &Map) -> Result<ProviderConfig, JsValue> {
    let fields = match plain.get("provider") {
        Some(Value::String(name)) => {
            if !matches!(name.as_str(), "gizo" | "arita" | "monetha" | "sso") {
                return Err(error::config(
                    "provider must be 'gizo', 'arita', 'monetha', 'sso' or a description object.",
                ));
            }
            plain.clone()
        }
        Some(Value::Object(desc)) => {
            let mut fields = desc.clone();
            for key in ["baseUrl", "allowInsecureHttp"] {
                if let Some(v) = plain.get(key) {
                    if !fields.contains_key(key) {
                        fields.insert(key, v.clone());
                    }
                }
            }
            fields.insert("provider", "custom");
            fields
        }
        _ => return Err(error::config("provider is missing.")),
    };
    ProviderConfig::from_json(&Value::Object(fields))
        .map_err(|e| invalid("the provider settings are not valid: ", &e))
}

/// `apiOrigins` (origins the token may go to besides `baseUrl`'s) and
/// `allowInsecureHttp`, checked with the provider's `baseUrl` into the client's [`Policy`].
fn policy(plain: &Map, provider: &ProviderConfig) -> Result<Policy, JsValue> {
    let allow_http = match plain.get("allowInsecureHttp") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(error::config("allowInsecureHttp must be a boolean.")),
    };
    let mut origins = Vec::new();
    match plain.get("apiOrigins") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::String(s) = item else {
                    return Err(error::config("apiOrigins must be an array of strings."));
                };
                origins.push(s.clone());
            }
        }
        Some(_) => return Err(error::config("apiOrigins must be an array of strings.")),
    }
    Policy::new(provider.base_url(), &origins, allow_http).map_err(|e| error::to_js(&e))
}

/// `invalid_config` with `prefix` and the reason.
fn invalid(prefix: &str, reason: &str) -> JsValue {
    let mut m = String::from(prefix);
    m.push_str(reason);
    error::config(&m)
}
