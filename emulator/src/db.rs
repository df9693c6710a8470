//! `--data FILE`: users, live issued tokens and key material in SQLite, across restarts.
//!
//! The in-memory [`State`] stays authoritative; this module loads it at start-up and
//! writes every change through. A failed write is reported, never fatal.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::store::{Provider, State, TokenRecord, User};
use crate::tokens::KeyMaterial;

/// An open data file.
pub struct Db {
    conn: Connection,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    provider TEXT NOT NULL, e164 TEXT NOT NULL, id INTEGER NOT NULL, username TEXT NOT NULL,
    password_hash TEXT, email TEXT, email_status TEXT NOT NULL, device_token TEXT,
    created_at INTEGER NOT NULL, PRIMARY KEY (provider, e164));
CREATE TABLE IF NOT EXISTS tokens (
    jti TEXT PRIMARY KEY, provider TEXT NOT NULL, subject TEXT NOT NULL, kind TEXT NOT NULL,
    exp INTEGER NOT NULL, revoked INTEGER NOT NULL);
";

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Db {
    /// Opens (or creates) the file and its tables.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db { conn })
    }

    /// Stored key material, if any.
    pub fn key_material(&self) -> rusqlite::Result<Option<KeyMaterial>> {
        let get = |k: &str| {
            self.conn
                .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
        };
        Ok(match (get("access_key")?, get("challenge_key")?) {
            (Some(access), Some(challenge)) => Some(KeyMaterial { access, challenge }),
            _ => None,
        })
    }

    /// Stores key material.
    pub fn save_key_material(&self, m: &KeyMaterial) -> rusqlite::Result<()> {
        let put = "INSERT OR REPLACE INTO meta (k, v) VALUES (?1, ?2)";
        self.conn.execute(put, params!["access_key", m.access])?;
        self.conn
            .execute(put, params!["challenge_key", m.challenge])?;
        Ok(())
    }

    /// Loads users and unexpired tokens into `state`.
    pub fn load(&self, state: &mut State, now_s: u64) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT provider, e164, id, username, password_hash, email, email_status, device_token, created_at FROM users",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                User {
                    provider: Provider::Gizo,
                    e164: r.get(1)?,
                    id: r.get(2)?,
                    username: r.get(3)?,
                    password_hash: r.get(4)?,
                    email: r.get(5)?,
                    email_status: crate::store::email_status(&r.get::<_, String>(6)?),
                    device_token: r.get(7)?,
                    created_at: to_u64(r.get(8)?),
                },
            ))
        })?;
        for row in rows {
            let (provider, mut user) = row?;
            let Some(provider) = Provider::from_name(&provider) else {
                continue;
            };
            user.provider = provider;
            state.last_user_id = state.last_user_id.max(user.id);
            state
                .users
                .insert((provider, user.e164.clone()), Box::new(user));
        }
        // Memory keeps a live token's `jti` and expiry; provider, kind and subject stay in
        // the row (and in the signed claims). Revoked rows come from data files written
        // before a logout deleted its row.
        let mut stmt = self
            .conn
            .prepare("SELECT jti, exp FROM tokens WHERE exp > ?1 AND revoked = 0")?;
        let rows = stmt.query_map([to_i64(now_s)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (jti, exp) = row?;
            if let Some(key) = crate::store::handle_key(&jti) {
                state.tokens.insert(key, to_u64(exp));
            }
        }
        Ok(())
    }

    /// Inserts or updates a user.
    pub fn save_user(&self, u: &User) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO users (provider, e164, id, username, password_hash, email, email_status, device_token, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                u.provider.as_str(),
                u.e164,
                u.id,
                u.username,
                u.password_hash,
                u.email,
                u.email_status,
                u.device_token,
                to_i64(u.created_at)
            ],
        )?;
        Ok(())
    }

    /// Inserts or updates a token record.
    pub fn save_token(&self, jti: &str, t: &TokenRecord) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO tokens (jti, provider, subject, kind, exp, revoked) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            params![jti, t.provider.as_str(), t.subject, t.kind.as_str(), to_i64(t.exp)],
        )?;
        Ok(())
    }

    /// Deletes a token record (a logout).
    pub fn delete_token(&self, jti: &str) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM tokens WHERE jti = ?1", [jti])?;
        Ok(())
    }

    /// Deletes the records of tokens expired at `now_s` (unix seconds).
    pub fn delete_expired_tokens(&self, now_s: u64) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM tokens WHERE exp <= ?1", [to_i64(now_s)])?;
        Ok(())
    }

    /// Deletes users and tokens (`DELETE /__emulator/state`); keys stay.
    pub fn wipe(&self) -> rusqlite::Result<()> {
        self.conn
            .execute_batch("DELETE FROM users; DELETE FROM tokens;")
    }
}
