//! Start-up and the accept loop.
//!
//! The loop is hand-written (rather than `axum::serve`) so each connection can be
//! dropped on purpose (`X-Emulator-Fault: drop`) and carries its peer address.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::app::{now_ms, App};
use crate::config::{Config, JwtAlg};
use crate::db::Db;
use crate::faults::DropHandle;
use crate::store::State;
use crate::tokens::{KeyMaterial, Keys};
use crate::web::{self, Peer, MAX_BODY};
use crate::{arita, dev, faults, gizo, monetha, sso, static_files};

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// Binding the address failed.
    Bind(std::io::Error),
    /// The data file could not be opened or read.
    Data(String),
    /// Key material could not be made or loaded.
    Keys(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot bind: {e}"),
            StartError::Data(e) => write!(f, "data file: {e}"),
            StartError::Keys(e) => write!(f, "keys: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running emulator. Dropping it does not stop it; call [`Running::shutdown`].
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The application (for tests that inspect state directly).
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Stops accepting, closes every connection and waits for the loop to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The full router with its middleware (outermost last): request log, CORS, faults,
/// body cap, JSON errors.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(gizo::routes())
        .merge(arita::routes())
        .merge(monetha::routes())
        .merge(sso::routes())
        .merge(dev::routes())
        .fallback(static_files::fallback)
        .layer(middleware::from_fn(web::json_errors))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(web::body_cap))
        .layer(middleware::from_fn(faults::inject))
        .layer(middleware::from_fn_with_state(app.clone(), web::cors))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            web::request_log,
        ))
        .with_state(app)
}

fn load(cfg: &Config) -> Result<(Keys, State, Option<Db>), StartError> {
    let mut state = State::default();
    let Some(path) = &cfg.data else {
        let material =
            KeyMaterial::generate(cfg.jwt_alg).map_err(|e| StartError::Keys(e.to_string()))?;
        let keys =
            Keys::new(cfg.jwt_alg, &material).map_err(|e| StartError::Keys(e.to_string()))?;
        return Ok((keys, state, None));
    };
    let db = Db::open(path).map_err(|e| StartError::Data(e.to_string()))?;
    let material = match db
        .key_material()
        .map_err(|e| StartError::Data(e.to_string()))?
    {
        Some(m) if m.fits(cfg.jwt_alg) => m,
        _ => {
            let m =
                KeyMaterial::generate(cfg.jwt_alg).map_err(|e| StartError::Keys(e.to_string()))?;
            db.save_key_material(&m)
                .map_err(|e| StartError::Data(e.to_string()))?;
            m
        }
    };
    let keys = Keys::new(cfg.jwt_alg, &material).map_err(|e| StartError::Keys(e.to_string()))?;
    db.load(&mut state, now_ms() / 1000)
        .map_err(|e| StartError::Data(e.to_string()))?;
    Ok((keys, state, Some(db)))
}

/// Starts the emulator on `cfg.host:cfg.port` and returns once it accepts connections.
/// The first logged line is `phone-auth-emulator listening on http://HOST:PORT`.
pub async fn serve(cfg: Config) -> Result<Running, StartError> {
    let listener = TcpListener::bind((cfg.host, cfg.port))
        .await
        .map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    let (keys, state, db) = load(&cfg)?;
    let app = Arc::new(App::new(cfg, keys, state, db));
    banner(&app, addr);
    let router = router(app.clone());
    let (stop, stopped) = watch::channel(false);
    let sweeper = app.clone();
    let mut sweep_stop = stopped.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(2)) => {
                    sweeper.sweep();
                }
                _ = sweep_stop.changed() => break,
            }
        }
    });
    let task = tokio::spawn(accept_loop(listener, router, stopped, app.clone()));
    Ok(Running {
        addr,
        app,
        stop,
        task,
    })
}

fn banner(app: &App, addr: SocketAddr) {
    let cfg = &app.cfg;
    let log = |s: &str| cfg.logger.line(s);
    log(&format!("phone-auth-emulator listening on http://{addr}"));
    log(&format!(
        "GIZO dev credentials: clientId {} clientSecret {}",
        cfg.client_id, cfg.client_secret
    ));
    let alg = match cfg.jwt_alg {
        JwtAlg::Hs256 => "HS256".to_owned(),
        JwtAlg::Rs256 => format!("RS256 (JWKS at http://{addr}/.well-known/jwks.json)"),
    };
    log(&format!("tokens: {alg}, ttl {}s", cfg.token_ttl.as_secs()));
    log(&format!(
        "codes: ttl {}s, {} attempts, resend cooldown {}s; state: {}",
        cfg.code_ttl.as_secs(),
        cfg.max_attempts,
        cfg.limits.resend_cooldown.as_secs(),
        cfg.data
            .as_ref()
            .map_or_else(|| "in memory".to_owned(), |p| p.display().to_string())
    ));
    for number in cfg.test_numbers.keys() {
        log(&format!("test number {number} (fixed code, no SMS)"));
    }
    log(&format!(
        "read codes: GET http://{addr}/__emulator/sms?e164=+491747707607; SMS lines follow"
    ));
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
    app: Arc<App>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tokio::spawn(connection(stream, peer, router.clone(), stop.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    app.cfg.logger.line(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stop.changed() => break,
        }
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let dropper = DropHandle::default();
    let signal = dropper.0.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(axum::body::Body::new);
        req.extensions_mut().insert(Peer(peer));
        req.extensions_mut().insert(dropper.clone());
        router.clone().oneshot(req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .max_buf_size(MAX_BODY * 2)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = signal.notified() => {}
        _ = stop.changed() => {}
    }
}
