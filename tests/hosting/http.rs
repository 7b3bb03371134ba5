//! A minimal HTTP/1.0 GET over a loopback TCP stream, with an optional Basic credential.
//! HTTP/1.0 with `Connection: close` keeps the reply unchunked and ended by the server
//! closing the stream, so there is nothing to parse beyond the status line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;

pub struct Response {
    pub status: u16,
    /// Headers and body, lossily decoded (enough to look for "Index of").
    pub text: String,
}

/// GETs `url` (`http://127.0.0.1:PORT/path`), as `credential` (user, password) if given.
pub fn get(url: &str, credential: Option<(&str, &str)>) -> Response {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream =
        TcpStream::connect(authority).unwrap_or_else(|e| panic!("connect to {authority}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\n");
    if let Some((user, password)) = credential {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request.push_str(&format!("Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send request");
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .unwrap_or_else(|e| panic!("read reply to GET {url}: {e}"));
    let text = String::from_utf8_lossy(&reply).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status line in the reply to GET {url}: {text:.200}"));
    Response { status, text }
}
