//! The one table `cargo xtask bench` prints: every measurement, its peer, ratio and target.

use serde_json::Value;

use super::load::LoadReport;

/// Everything one run measured.
pub struct Results<'a> {
    /// `bench/size.mjs` output.
    pub sizes: &'a Value,
    /// `bench/throughput.mjs` output.
    pub throughput: &'a Value,
    /// `bench/coldstart.mjs` output.
    pub cold: &'a Value,
    /// `bench/browser.mjs` output.
    pub browser: &'a Value,
    /// The emulator load run.
    pub load: Option<&'a LoadReport>,
    /// The emulator's peak resident memory (KiB).
    pub peak_rss_kib: Option<u64>,
}

/// Whether bigger or smaller is better for a measurement.
#[derive(Clone, Copy)]
enum Better {
    Higher,
    Lower,
}

struct Row {
    measure: String,
    ours: String,
    peer: String,
    peer_value: String,
    ratio: String,
    target: String,
    verdict: String,
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(*k))?.as_f64()
}

fn kib(bytes: f64) -> String {
    format!("{:.1} KiB", bytes / 1024.0)
}

fn verdict(ok: Option<bool>) -> String {
    match ok {
        Some(true) => "meets".into(),
        Some(false) => "BEHIND".into(),
        None => String::new(),
    }
}

/// A row comparing us with a peer; `target` is the ratio (ours / peer) to reach, if any.
#[allow(clippy::too_many_arguments)]
fn compare(
    measure: &str,
    ours: Option<f64>,
    peer: &str,
    theirs: Option<f64>,
    fmt: fn(f64) -> String,
    better: Better,
    target: Option<f64>,
) -> Row {
    let ratio = match (ours, theirs) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let (target_text, ok) = match (target, ratio, better) {
        (Some(t), r, Better::Lower) => (format!("≤ {t:.2}×"), r.map(|r| r <= t)),
        (Some(t), r, Better::Higher) => (format!("≥ {t:.2}×"), r.map(|r| r >= t)),
        (None, _, _) => (String::new(), None),
    };
    Row {
        measure: measure.into(),
        ours: ours.map_or("—".into(), fmt),
        peer: peer.into(),
        peer_value: theirs.map_or("—".into(), fmt),
        ratio: ratio.map_or("—".into(), |r| format!("{r:.2}×")),
        target: target_text,
        verdict: verdict(ok),
    }
}

/// A row with an absolute target and no peer.
fn absolute(measure: &str, ours: String, target: &str, ok: Option<bool>) -> Row {
    Row {
        measure: measure.into(),
        ours,
        peer: String::new(),
        peer_value: String::new(),
        ratio: String::new(),
        target: target.into(),
        verdict: verdict(ok),
    }
}

fn size_rows(s: &Value, rows: &mut Vec<Row>) {
    let peer = |k: &str, c: &str| num(s, &["peers", k, c]);
    for (c, label) in [("gzip", "gzip -9"), ("brotli", "brotli"), ("raw", "raw")] {
        let pair = peer("supabase", c)
            .zip(peer("lpn-min", c))
            .map(|(a, b)| a + b);
        let target = (c == "gzip").then_some(0.8);
        rows.push(compare(
            &format!("browser package, {label}"),
            num(s, &["ours", "total", c]),
            "auth-js + libphonenumber-js min",
            pair,
            kib,
            Better::Lower,
            target,
        ));
    }
    let ours = num(s, &["ours", "total", "gzip"]);
    for (key, name) in [
        ("supabase", "@supabase/auth-js"),
        ("firebase", "firebase auth (phone)"),
        ("lpn-min", "libphonenumber-js min"),
        ("lpn-max", "libphonenumber-js max"),
        ("jwt-decode", "jwt-decode"),
        ("jose", "jose decodeJwt"),
    ] {
        let theirs = peer(key, "gzip");
        rows.push(compare(
            "  gzip vs one peer",
            ours,
            name,
            theirs,
            kib,
            Better::Lower,
            None,
        ));
    }
    rows.push(absolute(
        "  of which wasm / JS glue (gzip)",
        format!(
            "{} / {}",
            num(s, &["ours", "wasm", "gzip"]).map_or("—".into(), kib),
            num(s, &["ours", "glue", "gzip"]).map_or("—".into(), kib)
        ),
        "≤ 92,000 B total",
        ours.map(|g| g <= crate::pkg::WEB_TARGET as f64),
    ));
    let full = num(s, &["full", "total", "gzip"]);
    let max_pair = peer("supabase", "gzip")
        .zip(peer("lpn-max", "gzip"))
        .map(|(a, b)| a + b);
    rows.push(compare(
        "phone-auth/full (+ extras, custom), gzip -9",
        full,
        "auth-js + libphonenumber-js max",
        max_pair,
        kib,
        Better::Lower,
        None,
    ));
    let min_pair = peer("supabase", "gzip")
        .zip(peer("lpn-min", "gzip"))
        .map(|(a, b)| a + b);
    for p in crate::pkg::PROVIDERS {
        rows.push(compare(
            &format!("phone-auth/{p} (one provider), gzip -9"),
            num(s, &["one", p, "total", "gzip"]),
            "auth-js + libphonenumber-js min",
            min_pair,
            kib,
            Better::Lower,
            None,
        ));
    }
}

fn throughput_rows(t: &Value, rows: &mut Vec<Row>) {
    let ops = |name: &str| num(t, &["results", name, "opsPerSec"]);
    let per_s = |x: f64| format!("{:.0}k/s", x / 1000.0);
    let ours = ops("normalizePhone");
    rows.push(compare(
        "normalizePhone, Node",
        ours,
        "libphonenumber-js min",
        ops("libphonenumber-js min"),
        per_s,
        Better::Higher,
        Some(2.0),
    ));
    rows.push(compare(
        "",
        ours,
        "libphonenumber-js max",
        ops("libphonenumber-js max"),
        per_s,
        Better::Higher,
        None,
    ));
    let ours = ops("decodeToken");
    rows.push(compare(
        "decodeToken, Node",
        ours,
        "jose.decodeJwt",
        ops("jose.decodeJwt"),
        per_s,
        Better::Higher,
        Some(1.0),
    ));
    rows.push(compare(
        "",
        ours,
        "jose header + claims (same work)",
        ops("jose header + claims"),
        per_s,
        Better::Higher,
        None,
    ));
    rows.push(compare(
        "",
        ours,
        "jwt-decode",
        ops("jwt-decode"),
        per_s,
        Better::Higher,
        None,
    ));
    let agree =
        |name: &str| num(t, &["agreement", name, "ok"]).zip(num(t, &["agreement", name, "of"]));
    if let Some((ok, of)) = agree("normalizePhone") {
        rows.push(absolute(
            "  normalizePhone = oracle E.164",
            format!("{ok:.0} of {of:.0}"),
            "all",
            Some(ok == of),
        ));
    }
}

fn cold_rows(c: &Value, b: &Value, rows: &mut Vec<Row>) {
    let ms = |x: f64| format!("{x:.1} ms");
    let node = |name: &str| num(c, &["results", name, "importToResultMs"]);
    let ours = node("normalizePhone");
    rows.push(compare(
        "cold start, Node (import + 1st call)",
        ours,
        "libphonenumber-js min",
        node("libphonenumber-js min"),
        ms,
        Better::Lower,
        Some(1.0),
    ));
    rows.push(compare(
        "",
        ours,
        "libphonenumber-js max",
        node("libphonenumber-js max"),
        ms,
        Better::Lower,
        None,
    ));
    let web = |name: &str| num(b, &["results", name, "navigationToResultMs"]);
    let lpn = web("libphonenumber-js min (esbuild bundle)");
    rows.push(compare(
        "cold start, Chromium (navigation → result)",
        web("normalizePhone"),
        "libphonenumber-js min",
        lpn,
        ms,
        Better::Lower,
        Some(1.0),
    ));
    rows.push(compare(
        "  the page preloading the .wasm",
        web("normalizePhone, .wasm preloaded"),
        "libphonenumber-js min",
        lpn,
        ms,
        Better::Lower,
        None,
    ));
}

fn load_rows(l: &LoadReport, rss: Option<u64>, rows: &mut Vec<Row>) {
    let ms = |d: std::time::Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let measure = format!("emulator, {} clients: sign-ins/s", l.clients);
    rows.push(absolute(
        &measure,
        format!("{:.0}/s", l.rate()),
        "≥ 1000/s",
        Some(l.rate() >= 1000.0),
    ));
    rows.push(absolute(
        "  latency p50 / p99 / max",
        format!("{} / {} / {}", ms(l.p50), ms(l.p99), ms(l.max)),
        "p99 < 50 ms",
        Some(l.p99.as_millis() < 50),
    ));
    let errors = match &l.first_error {
        Some(e) => format!(
            "{} of {} (first: {})",
            l.errors,
            l.signins + l.errors,
            e.chars().take(80).collect::<String>()
        ),
        None => format!("0 of {}", l.signins),
    };
    rows.push(absolute("  errors", errors, "0", Some(l.errors == 0)));
    if let Some((emu, gen)) = l.cpu {
        let per_k = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / (l.signins.max(1) as f64);
        rows.push(absolute(
            "  CPU per 1000 sign-ins: emulator / load gen.",
            format!("{:.2} s / {:.2} s", per_k(emu), per_k(gen)),
            "",
            None,
        ));
    }
    rows.push(absolute(
        "  peak RSS of the emulator",
        rss.map_or("—".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        "",
        None,
    ));
}

/// Renders every measurement as one aligned table.
pub fn render(r: &Results<'_>) -> String {
    let mut rows = Vec::new();
    size_rows(r.sizes, &mut rows);
    throughput_rows(r.throughput, &mut rows);
    cold_rows(r.cold, r.browser, &mut rows);
    if let Some(load) = r.load {
        load_rows(load, r.peak_rss_kib, &mut rows);
    }
    let header = Row {
        measure: "measure".into(),
        ours: "phone-auth".into(),
        peer: "peer".into(),
        peer_value: "peer value".into(),
        ratio: "ratio".into(),
        target: "target".into(),
        verdict: String::new(),
    };
    let cells = |r: &Row| -> [String; 7] {
        [
            r.measure.clone(),
            r.ours.clone(),
            r.peer.clone(),
            r.peer_value.clone(),
            r.ratio.clone(),
            r.target.clone(),
            r.verdict.clone(),
        ]
    };
    let all: Vec<[String; 7]> = std::iter::once(&header).chain(&rows).map(cells).collect();
    let mut widths = [0usize; 7];
    for row in &all {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String; 7]| -> String {
        let mut s = String::from("|");
        for (w, c) in widths.iter().zip(row) {
            let pad = w.saturating_sub(c.chars().count());
            s.push_str(&format!(" {c}{} |", " ".repeat(pad)));
        }
        s
    };
    let mut out = Vec::with_capacity(all.len() + 1);
    let mut rows_iter = all.iter();
    if let Some(h) = rows_iter.next() {
        out.push(line(h));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        out.push(format!("|{}|", rule.join("|")));
    }
    out.extend(rows_iter.map(line));
    out.join("\n")
}
