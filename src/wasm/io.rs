//! The two effects the core needs, done by the host: [`JsTransport`] (`fetch` through
//! `runtime.js`) and [`JsClock`] (`Date.now()` and `setTimeout`).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{host, js};
use crate::client::{Clock, LocalFuture, Transport};
use crate::http::{HttpRequest, HttpResponse};
use crate::Error;

/// `fetch` through `runtime.js` (timeout by AbortController).
pub struct JsTransport {
    pub fetch: JsValue,
    pub timeout_ms: f64,
}

impl Transport for JsTransport {
    type Future = LocalFuture<Result<HttpResponse, Error>>;

    fn send(&self, req: HttpRequest) -> Self::Future {
        let mut headers = Vec::with_capacity(req.headers.len() * 2);
        for (k, v) in req.headers {
            headers.push(k);
            headers.push(v);
        }
        let p = host::http_send(
            &self.fetch,
            req.method.as_str(),
            &req.url,
            headers,
            req.body,
            self.timeout_ms,
        );
        Box::pin(async move {
            let out = JsFuture::from(p).await.map_err(|e| transport_error(&e))?;
            let parts = Array::from(&out);
            let status = parts.get(0).as_f64().unwrap_or(0.0) as u16;
            let flat = Array::from(&parts.get(1));
            let mut resp = HttpResponse::new(status, Uint8Array::from(parts.get(2)).to_vec());
            let mut i = 0;
            while i + 1 < flat.length() {
                let k = flat.get(i).as_string().unwrap_or_default();
                let v = flat.get(i + 1).as_string().unwrap_or_default();
                resp.headers.push((k, v));
                i += 2;
            }
            Ok(resp)
        })
    }
}

/// The core error for what `httpSend` rejected with.
fn transport_error(e: &JsValue) -> Error {
    let code = js::get_string(e, "code").unwrap_or_default();
    let message = js::get_string(e, "message").unwrap_or_default();
    match code.as_str() {
        "timeout" => Error::Timeout,
        "invalid_config" => Error::InvalidConfig { message },
        _ => Error::Network { message },
    }
}

/// `Date.now()` and `setTimeout`.
pub struct JsClock;

impl Clock for JsClock {
    fn now(&self) -> u64 {
        host::now_ms().max(0.0) as u64
    }
    fn sleep(&self, ms: u64) -> LocalFuture<()> {
        let p = host::sleep(ms as f64);
        Box::pin(async move {
            let _ = JsFuture::from(p).await;
        })
    }
}
