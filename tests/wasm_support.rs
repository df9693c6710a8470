//! Helpers shared by `wasm_node.rs` and `wasm_browser.rs` (included with `#[path]`).
#![cfg(target_arch = "wasm32")]
#![allow(dead_code)]

use js_sys::{Function, Object, Promise, Reflect, JSON};
use phone_auth::wasm::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
export function makeJwt(lifetimeSecs, sub) {
  const iat = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat, exp: iat + lifetimeSecs })}.c2ln`;
}
// A JWT of any header and claims (UTF-8 JSON, unpadded base64url), with a dummy signature.
export function jwtOf(header, claims) {
  const part = (o) => {
    const bytes = new TextEncoder().encode(JSON.stringify(o));
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  };
  return `${part(header)}.${part(claims)}.c2ln`;
}
export function memoryAdapter() {
  const map = new Map();
  return {
    map,
    getItem: async (k) => (map.has(k) ? map.get(k) : null),
    setItem: async (k, v) => { map.set(k, v); },
    removeItem: async (k) => { map.delete(k); },
  };
}
// A fetch that answers from `routes` (path suffix → [status, body, headers]) and counts calls.
export function fakeFetch(routes) {
  const f = async (url, init) => {
    f.calls.push(url);
    for (const [suffix, r] of Object.entries(routes)) {
      if (url.endsWith(suffix)) {
        if (r === 'hang') return new Promise(() => {});
        if (r === 'fail') throw new TypeError('Failed to fetch');
        const [status, body, headers] = r;
        return new Response(body, { status, headers: headers || { 'content-type': 'application/json' } });
      }
    }
    return new Response('not found', { status: 404 });
  };
  f.calls = [];
  return f;
}
export function counter(result) {
  const f = async () => { f.count += 1; return result(); };
  f.count = 0;
  return f;
}
export async function postJson(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.json();
}
export async function getJson(url) {
  const r = await fetch(url);
  return r.json();
}
// The HTTP status of a GET with `token` as bearer.
export async function bearerStatus(url, token) {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return r.status;
}
export function recorder() {
  const f = (event, session) => { f.events.push(event); f.sessions.push(session); };
  f.events = [];
  f.sessions = [];
  return f;
}
export function errorInfo(e) {
  return { isAuthError: e instanceof Error && e.name === 'AuthError', code: e && e.code,
    status: e && e.status, retryAfter: e && e.retryAfter, message: e && e.message,
    providerMessage: e && e.providerMessage };
}
export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeJwt)]
    pub fn make_jwt(lifetime_secs: f64, sub: &str) -> String;
    #[wasm_bindgen(js_name = jwtOf)]
    pub fn jwt_of(header: &JsValue, claims: &JsValue) -> String;
    #[wasm_bindgen(js_name = memoryAdapter)]
    pub fn memory_adapter() -> JsValue;
    #[wasm_bindgen(js_name = fakeFetch)]
    pub fn fake_fetch(routes: &JsValue) -> Function;
    pub fn counter(result: &Function) -> Function;
    #[wasm_bindgen(js_name = postJson)]
    pub fn post_json(url: &str, body: &str) -> Promise;
    #[wasm_bindgen(js_name = getJson)]
    pub fn get_json(url: &str) -> Promise;
    #[wasm_bindgen(js_name = bearerStatus)]
    pub fn bearer_status(url: &str, token: &str) -> Promise;
    pub fn recorder() -> Function;
    #[wasm_bindgen(js_name = errorInfo)]
    pub fn error_info(e: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = sleep)]
    fn js_sleep(ms: f64) -> Promise;
}

/// The emulator started by `cargo xtask test` (compile-time, as browsers have no env).
pub fn emulator() -> &'static str {
    match option_env!("PHONE_AUTH_EMULATOR") {
        Some(url) => url,
        None => panic!("PHONE_AUTH_EMULATOR is not set: run these tests with `cargo xtask test`"),
    }
}

/// `emulator()` followed by `path`.
pub fn emulator_url(path: &str) -> String {
    let mut url = emulator().to_owned();
    url.push_str(path);
    url
}

/// The code every test number accepts (see xtask/src/pkg/tests.rs).
pub const CODE: &str = "482135";

/// What `p` resolves to; panics naming `what` and the `AuthError`'s code and message.
pub async fn ok(p: Promise, what: &str) -> JsValue {
    match wait(p).await {
        Ok(v) => v,
        Err(e) => {
            let info = error_info(&e);
            panic!(
                "{what}: {} {}",
                get_str(&info, "code"),
                get_str(&info, "message")
            )
        }
    }
}

/// A JSON object literal as a JS object.
pub fn obj(json: &str) -> JsValue {
    JSON::parse(json).expect("valid JSON in a test")
}

/// `o[k] = v`.
pub fn set(o: &JsValue, k: &str, v: &JsValue) {
    Reflect::set(o, &JsValue::from_str(k), v).expect("settable");
}

/// `o[k]`.
pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// `o[k]` as a string.
pub fn get_str(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

/// Awaits a promise.
pub async fn wait(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// Sleeps.
pub async fn sleep(ms: f64) {
    let _ = JsFuture::from(js_sleep(ms)).await;
}

/// The `AuthError` code of a rejection, asserting it is an `AuthError`.
pub fn code_of(e: &JsValue) -> String {
    let info = error_info(e);
    assert!(
        get(&info, "isAuthError").as_bool().unwrap_or(false),
        "not an AuthError: {:?}",
        get_str(&info, "message")
    );
    get_str(&info, "code")
}

/// Expects a rejection with `code`.
pub async fn expect_code(p: Promise, code: &str) -> JsValue {
    match wait(p).await {
        Ok(v) => panic!("expected {code}, got a result {v:?}"),
        Err(e) => {
            assert_eq!(code_of(&e), code);
            error_info(&e)
        }
    }
}

/// A GIZO company token from the emulator's admin endpoint (demo credentials).
pub async fn gizo_company_token() -> String {
    let mut url = emulator().to_owned();
    url.push_str("/api/v1/company/access-token");
    let v = wait(post_json(
        &url,
        r#"{"clientId":"demo-client","clientSecret":"demo-secret"}"#,
    ))
    .await
    .expect("access-token");
    let t = get_str(&v, "token");
    let t = if t.is_empty() {
        get_str(&v, "accessToken")
    } else {
        t
    };
    let t = if t.is_empty() {
        get_str(&v, "access_token")
    } else {
        t
    };
    assert!(!t.is_empty(), "no token in the access-token response");
    t
}

/// Options for a provider against the emulator, with `storage`.
pub fn emulator_options(provider: &str, storage: &JsValue) -> JsValue {
    let o = obj(&format!(
        r#"{{"provider":"{provider}","baseUrl":"{}","defaultCountry":"DE","deviceId":"wasm-test","autoRefresh":false}}"#,
        emulator()
    ));
    set(&o, "storage", storage);
    o
}

/// Signs in `phone` with a fresh client; returns the client and the session.
pub async fn sign_in(options: JsValue, phone: &str) -> (AuthClient, JsValue) {
    let auth = AuthClient::new(options).expect("valid options");
    let challenge = wait(auth.request_code(JsValue::from_str(phone)))
        .await
        .unwrap_or_else(|e| panic!("requestCode: {:?}", get_str(&error_info(&e), "message")));
    assert!(get(&challenge, "expiresAt").as_f64().unwrap_or(0.0) > js_sys::Date::now());
    let session = wait(auth.verify(JsValue::from_str(CODE)))
        .await
        .unwrap_or_else(|e| panic!("verify: {:?}", get_str(&error_info(&e), "message")));
    (auth, session)
}

/// An empty object.
pub fn empty() -> JsValue {
    Object::new().into()
}

/// Options signing in through a fake SSO (injected `fetch`) whose token lives `lifetime`
/// seconds; memory storage, a 60 s refresh margin, no auto-refresh.
pub fn fake_sso_options(lifetime: f64) -> JsValue {
    let routes = obj("{}");
    let sms = js_sys::Array::of2(&201.into(), &"{}".into());
    set(&routes, "/sso/sms", &sms.into());
    let body = format!(r#"{{"token":"{}"}}"#, make_jwt(lifetime, "u1"));
    let auth = js_sys::Array::of2(&201.into(), &body.into());
    set(&routes, "/sso/auth", &auth.into());
    let o = obj(
        r#"{"provider":"sso","baseUrl":"https://fake.test","storage":"memory","refreshMarginSeconds":60,"autoRefresh":false}"#,
    );
    set(&o, "fetch", &fake_fetch(&routes).into());
    o
}

/// [`fake_sso_options`] with the callback refresh strategy.
pub fn refresh_options(lifetime: f64, callback: &Function) -> JsValue {
    let o = fake_sso_options(lifetime);
    let refresh = obj(r#"{"strategy":"callback"}"#);
    set(&refresh, "callback", callback);
    set(&o, "refresh", &refresh);
    o
}

/// A refresh callback returning a new one-hour token, counting its calls (`count`).
pub fn new_token_callback() -> Function {
    let f = Closure::<dyn Fn() -> JsValue>::new(|| {
        let r = obj("{}");
        set(&r, "token", &make_jwt(3600.0, "u1").into());
        r
    });
    counter(&f.into_js_value().into())
}
