//! The binary: `--port 0`, a machine-readable first line, SMS lines on stdout, static
//! files with the right MIME types, and a `--data` restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Emulator {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Emulator {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phone-auth-emulator"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep draining so the emulator never blocks on a full pipe.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("a first line");
    let base = first
        .strip_prefix("phone-auth-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Emulator { child, base, lines }
}

fn wait_for(lines: &mpsc::Receiver<String>, prefix: &str) -> String {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(10))
            .expect("the expected line");
        if line.starts_with(prefix) {
            return line;
        }
    }
}

#[tokio::test]
async fn port_zero_banner_sms_lines_and_static_files() {
    let dir = std::env::temp_dir().join(format!("pae-bin-{}", std::process::id()));
    let www = dir.join("www");
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(pkg.join("phone_auth.js"), "export {};").unwrap();
    std::fs::write(pkg.join("phone_auth_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let emu = spawn(&[
        "--www",
        www.to_str().unwrap(),
        "--pkg",
        pkg.to_str().unwrap(),
        "--quiet",
    ]);
    let http = reqwest::Client::new();

    let r = http
        .get(format!("{}/__emulator/health", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = http
        .post(format!("{}/sso/sms", emu.base))
        .json(&serde_json::json!({"telephone": "+491747707607"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let line = wait_for(&emu.lines, "SMS ");
    let code = line
        .strip_prefix("SMS sso +491747707607 code ")
        .expect("SMS line format");
    assert_eq!(code.len(), 6);

    for (path, mime) in [
        ("/", "text/html"),
        ("/pkg/phone_auth.js", "text/javascript"),
        ("/pkg/phone_auth_bg.wasm", "application/wasm"),
    ] {
        let r = http
            .get(format!("{}{path}", emu.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(mime), "{path}: {ct}");
    }
    let r = http
        .get(format!("{}/pkg/../www/index.html", emu.base))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 500);
    let r = http
        .get(format!("{}/missing.js", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bad_flags_exit_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_phone-auth-emulator"))
        .args(["--port", "0", "--test-number", "+491747707607=12"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("4–8 digits"));
}
