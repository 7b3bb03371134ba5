//! The users file (issue #16): who may read which audience's site, kept out of git and
//! read only at deploy time. CSV with a header (`user,audience,password` — or `hash`
//! instead of, or beside, `password`), or YAML: a list of `{ user, audience, password }`
//! (or `hash`). Read strictly: every problem is reported at its line, all in one run.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::model::audience::AudienceModel;
use crate::yaml::{Node, Value};

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    /// Index into the site's audiences.
    pub audience: usize,
    /// In plain text as given: hashed when written, except where a host's own format
    /// demands plain text (Netlify).
    pub password: Option<String>,
    /// An existing hash (`$2y$…`, `$6$…`), written as is.
    pub hash: Option<String>,
    /// Where it is written in the users file.
    pub pos: Pos,
}

const COLUMNS: &[&str] = &["user", "audience", "password", "hash"];

/// Shortest password accepted: a shared extranet password is still a password.
pub const MIN_PASSWORD: usize = 10;

/// Reads `text` (the users file `file`) for `audiences`; the users, and every problem.
pub fn parse(text: &str, file: &str, audiences: &AudienceModel) -> (Vec<User>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // Lines end at `\n`, `\r\n` or a lone `\r`, for the parsers and positions alike.
    let text = &*crate::load::line_endings(text);
    let lower = file.to_ascii_lowercase();
    let rows = if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        yaml_rows(text, file, &mut diags)
    } else if lower.ends_with(".csv") {
        csv_rows(text, file, &mut diags)
    } else {
        diags.push(
            Diagnostic::error(
                "users-format",
                format!("`{file}` is neither CSV (`.csv`) nor YAML (`.yaml`)"),
            )
            .in_file(file.to_owned())
            .help(
                "name the users file `users.csv` (columns user,audience,password) or `users.yaml`",
            ),
        );
        Vec::new()
    };
    let mut users = Vec::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        if let Some(user) = check_row(row, file, audiences, &mut seen, &mut diags) {
            users.push(user);
        }
    }
    crate::diag::normalize(&mut diags);
    (users, diags)
}

/// One user as read, before checking: each field with where it is.
#[derive(Default)]
struct Row {
    pos: Pos,
    user: Option<(String, Pos)>,
    audience: Option<(String, Pos)>,
    password: Option<(String, Pos)>,
    hash: Option<(String, Pos)>,
}

fn csv_rows(text: &str, file: &str, diags: &mut Vec<Diagnostic>) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let (header, header_pos): (Vec<String>, Pos) = match reader.headers() {
        Ok(h) => (
            h.iter().map(str::to_owned).collect(),
            Pos::new(h.position().map_or(1, |p| p.line() as u32), 1),
        ),
        Err(e) => {
            diags.push(Diagnostic::error("users-csv", e.to_string()).in_file(file.to_owned()));
            return Vec::new();
        }
    };
    let mut columns = Vec::new();
    for name in &header {
        if COLUMNS.contains(&name.as_str()) {
            columns.push(Some(name.as_str()));
        } else {
            diags.push(
                Diagnostic::error(
                    "unknown-key",
                    format!("unknown column `{name}` in the users file"),
                )
                .at(file.to_owned(), header_pos)
                .help(suggest_help(name, COLUMNS, "columns")),
            );
            columns.push(None);
        }
    }
    for needed in ["user", "audience"] {
        if !header.iter().any(|h| h == needed) {
            diags.push(
                Diagnostic::error(
                    "users-column",
                    format!("the users file has no `{needed}` column"),
                )
                .at(file.to_owned(), header_pos)
                .help("the first line names the columns: user,audience,password (or hash)"),
            );
        }
    }
    if !header.iter().any(|h| h == "password" || h == "hash") {
        diags.push(
            Diagnostic::error(
                "users-column",
                "the users file has neither a `password` nor a `hash` column",
            )
            .at(file.to_owned(), header_pos)
            .help("the first line names the columns: user,audience,password (or hash)"),
        );
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                diags.push(
                    Diagnostic::error("users-csv", format!("unreadable line: {e}"))
                        .at(file.to_owned(), Pos::new(line, 1)),
                );
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as u32);
        let mut row = Row {
            pos: Pos::new(line, 1),
            ..Row::default()
        };
        // Each field's column: where its text is found on the line, after the previous
        // field's (quoted or multi-line fields are found where they can be, else column 1).
        let raw = lines
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("");
        let mut from = 0;
        for (i, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let at = match raw.get(from..).and_then(|rest| rest.find(field)) {
                Some(offset) => {
                    let start = from + offset;
                    from = start + field.len();
                    Pos::new(line, raw[..start].chars().count() as u32 + 1)
                }
                None => Pos::new(line, 1),
            };
            let value = Some((field.to_owned(), at));
            match columns.get(i).copied().flatten() {
                Some("user") => row.user = value,
                Some("audience") => row.audience = value,
                Some("password") => row.password = value,
                Some("hash") => row.hash = value,
                _ => {}
            }
        }
        rows.push(row);
    }
    rows
}

fn yaml_rows(text: &str, file: &str, diags: &mut Vec<Diagnostic>) -> Vec<Row> {
    let node: Node = match crate::yaml::parse(text, file, 0) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    };
    let Value::Seq(items) = &node.value else {
        diags.push(
            Diagnostic::error(
                "wrong-type",
                format!("expected a list of users, found {}", node.value.kind()),
            )
            .at(file.to_owned(), node_pos(&node))
            .help("- { user: anna, audience: gold, password: \"…\" }"),
        );
        return Vec::new();
    };
    let mut rows = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            diags.push(
                Diagnostic::error(
                    "wrong-type",
                    format!("expected a user (a mapping), found {}", item.value.kind()),
                )
                .at(file.to_owned(), node_pos(item))
                .help("- { user: anna, audience: gold, password: \"…\" }"),
            );
            continue;
        };
        let mut row = Row {
            pos: node_pos(item),
            ..Row::default()
        };
        for (k, v) in entries {
            let Value::Str(key) = &k.value else { continue };
            let text = match &v.value {
                Value::Str(s) => s.clone(),
                // A password of digits is still a password, as written.
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                    v.written(text).unwrap_or_default().to_owned()
                }
                other => {
                    diags.push(
                        Diagnostic::error(
                            "wrong-type",
                            format!("expected text for `{key}`, found {}", other.kind()),
                        )
                        .at(file.to_owned(), node_pos(v)),
                    );
                    continue;
                }
            };
            let value = Some((text, node_pos(v)));
            match key.as_str() {
                "user" => row.user = value,
                "audience" => row.audience = value,
                "password" => row.password = value,
                "hash" => row.hash = value,
                other => diags.push(
                    Diagnostic::error(
                        "unknown-key",
                        format!("unknown key `{other}` in the users file"),
                    )
                    .at(file.to_owned(), node_pos(k))
                    .len(other.chars().count())
                    .help(suggest_help(other, COLUMNS, "keys")),
                ),
            }
        }
        rows.push(row);
    }
    rows
}

fn node_pos(node: &Node) -> Pos {
    Pos::new(node.line, node.column)
}

fn check_row(
    row: Row,
    file: &str,
    audiences: &AudienceModel,
    seen: &mut BTreeSet<(String, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<User> {
    let error =
        |code, message: String, pos| Diagnostic::error(code, message).at(file.to_owned(), pos);
    let Some((name, name_pos)) = row.user else {
        diags.push(error(
            "users-missing",
            "a user without a `user` name".into(),
            row.pos,
        ));
        return None;
    };
    // htpasswd files are `name:hash` lines; Netlify's `_headers` separates users by spaces.
    if name.contains(':')
        || name.chars().any(char::is_whitespace)
        || name.chars().any(char::is_control)
    {
        diags.push(
            error(
                "bad-user-name",
                format!("user name `{name}` contains `:`, a space or a control character"),
                name_pos,
            )
            .help(
                "user names go into `name:hash` lines: use letters, digits, `.`, `-`, `_` or `@`",
            ),
        );
        return None;
    }
    let Some((audience_name, audience_pos)) = row.audience else {
        diags.push(error(
            "users-missing",
            format!("user `{name}` has no `audience`"),
            row.pos,
        ));
        return None;
    };
    let Some(audience) = audiences.audience_id(&audience_name) else {
        diags.push(
            error(
                "unknown-audience",
                format!("user `{name}`: unknown audience `{audience_name}`"),
                audience_pos,
            )
            .len(audience_name.chars().count())
            .help(suggest_help(
                &audience_name,
                &audiences.audience_names(),
                "audiences",
            )),
        );
        return None;
    };
    if !seen.insert((name.clone(), audience)) {
        diags.push(error(
            "duplicate-user",
            format!("user `{name}` is listed twice for audience `{audience_name}`"),
            name_pos,
        ));
        return None;
    }
    if let Some((password, pos)) = &row.password {
        if password.chars().count() < MIN_PASSWORD {
            diags.push(
                error(
                    "weak-password",
                    format!(
                        "user `{name}`: the password is shorter than {MIN_PASSWORD} characters"
                    ),
                    *pos,
                )
                .help("use a longer password, or a generated one (e.g. `openssl rand -base64 18`)"),
            );
            return None;
        }
        if password.len() > 72 {
            diags.push(
                error("long-password", format!("user `{name}`: the password is longer than 72 bytes, which bcrypt cannot hash whole"), *pos)
                    .help("use a password of at most 72 bytes"),
            );
            return None;
        }
    }
    if let Some((hash, pos)) = &row.hash
        && hash_kind(hash).is_none()
    {
        diags.push(
            error("unknown-hash", format!("user `{name}`: `{}…` is not a hash nginx and Apache both read", hash.chars().take(4).collect::<String>()), *pos)
                .help("give a bcrypt (`$2y$…`, from `htpasswd -nB`) or SHA-512-crypt (`$6$…`) hash, or the password"),
        );
        return None;
    }
    if row.password.is_none() && row.hash.is_none() {
        diags.push(error(
            "users-missing",
            format!("user `{name}` has neither a `password` nor a `hash`"),
            row.pos,
        ));
        return None;
    }
    Some(User {
        name,
        audience,
        password: row.password.map(|(p, _)| p),
        hash: row.hash.map(|(h, _)| h),
        pos: name_pos,
    })
}

/// Which hash an htpasswd line holds: bcrypt (`$2y$`, `$2b$`, `$2a$`) or SHA-crypt
/// (`$6$`, `$5$`) — the ones both nginx (through the system's crypt) and Apache read.
pub fn hash_kind(hash: &str) -> Option<Hash> {
    let bcrypt = ["$2y$", "$2b$", "$2a$"].iter().any(|p| hash.starts_with(p)) && hash.len() == 60;
    if bcrypt {
        Some(Hash::Bcrypt)
    } else if (hash.starts_with("$6$") || hash.starts_with("$5$")) && hash.matches('$').count() >= 3
    {
        Some(Hash::Sha512)
    } else {
        None
    }
}

/// How passwords are hashed into htpasswd files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Hash {
    /// `$2y$` (cost 10): Apache, and nginx on systems whose crypt reads bcrypt (Debian 11+,
    /// libxcrypt)
    Bcrypt,
    /// `$6$` SHA-512-crypt: for older nginx builds whose system crypt has no bcrypt
    Sha512,
}

/// bcrypt's cost: 10 is htpasswd's default (about 50 ms a check here).
const BCRYPT_COST: u32 = 10;

/// `password` hashed as `how`, salted from the OS random source.
pub fn hash_password(password: &str, how: Hash) -> anyhow::Result<String> {
    match how {
        Hash::Bcrypt => Ok(
            bcrypt::non_truncating_hash_with_result(password, BCRYPT_COST)?
                .format_for_version(bcrypt::Version::TwoY),
        ),
        Hash::Sha512 => {
            use sha_crypt::password_hash::PasswordHasher;
            // 12 bytes are 16 salt characters, SHA-crypt's longest salt: a longer one would
            // be cut to 16 by the system's crypt and by this crate alike, but why risk it.
            let mut salt = [0u8; 12];
            getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no random numbers: {e}"))?;
            let hash = sha_crypt::ShaCrypt::SHA512
                .hash_password_with_salt(password.as_bytes(), &salt)
                .map_err(|e| anyhow::anyhow!("SHA-512-crypt: {e}"))?;
            Ok(hash.to_string())
        }
    }
}

/// Whether `password` matches `hash` (bcrypt or SHA-crypt): lets a regenerated htpasswd
/// file keep the hashes whose passwords did not change, so deploying again changes nothing.
pub fn verify(password: &str, hash: &str) -> bool {
    match hash_kind(hash) {
        Some(Hash::Bcrypt) => bcrypt::verify(password, hash).unwrap_or(false),
        Some(Hash::Sha512) => {
            use sha_crypt::password_hash::PasswordVerifier;
            sha_crypt::PasswordHashRef::new(hash).is_ok_and(|h| {
                sha_crypt::ShaCrypt::SHA512
                    .verify_password(password.as_bytes(), h)
                    .is_ok()
            })
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audiences() -> AudienceModel {
        let yaml = "axes: { tier: { values: [public, silver, gold], ordered: true } }\n\
                    audiences: { public: { tier: public }, silver: { tier: silver }, gold: { tier: gold } }\n";
        let node: Node = crate::yaml::parse(yaml, "kanava.yaml", 0).unwrap();
        let mut diags = Vec::new();
        let m = crate::model::audience::from_config(Some(&node), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        m
    }

    #[test]
    fn csv_and_yaml_read_alike() {
        let m = audiences();
        let (csv, d1) = parse(
            "user,audience,password\nanna,gold,gold-secret-1\nsami,silver,silver-secret-1\n",
            "users.csv",
            &m,
        );
        let (yaml, d2) = parse(
            "- { user: anna, audience: gold, password: gold-secret-1 }\n- user: sami\n  audience: silver\n  password: silver-secret-1\n",
            "users.yaml",
            &m,
        );
        assert!(d1.is_empty() && d2.is_empty(), "{d1:?} {d2:?}");
        let names = |u: &[User]| {
            u.iter()
                .map(|u| (u.name.clone(), u.audience, u.password.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&csv), names(&yaml));
        assert_eq!(csv[1].pos, Pos::new(3, 1));
        assert_eq!(yaml[1].pos, Pos::new(2, 9));
    }

    #[test]
    fn every_problem_at_its_line() {
        let m = audiences();
        let (users, diags) = parse("user,audiance,password\n", "users.csv", &m);
        assert!(users.is_empty());
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unknown-key", "users-column"], "{diags:?}");
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `audience`?")
        );

        let (users, diags) = parse(
            "user,audience,password,hash\nanna,gld,gold-secret-1,\nbo:b,gold,gold-secret-1,\nc,gold,short,\nd,gold,,$1$abc\ne,gold,,\nanna,silver,silver-secret-1,\nanna,silver,silver-secret-2,\n",
            "users.csv",
            &m,
        );
        let found: Vec<(&str, u32)> = diags
            .iter()
            .map(|d| (d.code, d.pos.unwrap().line))
            .collect();
        assert_eq!(
            found,
            [
                ("unknown-audience", 2),
                ("bad-user-name", 3),
                ("weak-password", 4),
                ("unknown-hash", 5),
                ("users-missing", 6),
                ("duplicate-user", 8),
            ],
            "{diags:?}"
        );
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `gold`?")
        );
        assert_eq!(users.len(), 1);
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        for how in [Hash::Bcrypt, Hash::Sha512] {
            let a = hash_password("correct horse battery", how).unwrap();
            let b = hash_password("correct horse battery", how).unwrap();
            assert_ne!(a, b, "salted");
            assert!(
                a.starts_with(if how == Hash::Bcrypt {
                    "$2y$10$"
                } else {
                    "$6$"
                }),
                "{a}"
            );
            assert_eq!(hash_kind(&a), Some(how));
            assert!(verify("correct horse battery", &a));
            assert!(!verify("correct horse batterz", &a));
        }
        // A SHA-512-crypt known answer (glibc's own test vector).
        assert!(verify(
            "Hello world!",
            "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"
        ));
    }
}
