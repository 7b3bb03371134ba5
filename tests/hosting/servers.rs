//! Real nginx and Apache processes for one test each: a temporary prefix holding the
//! configuration, pid file, logs and nginx's temp folders; listening only on 127.0.0.1 on a
//! free port; stopped (SIGTERM, then SIGKILL) and the prefix removed when dropped.
//!
//! Both run in the foreground as children of the test (nginx `daemon off`, Apache
//! `-DFOREGROUND`), so a test that panics still stops its server when the value is dropped
//! during unwinding. Started as root, the master stays root (to bind and read its config)
//! and the workers that read the files switch to `www-data`, as Debian's packaged configs
//! do: a docroot or password file that user cannot read fails here as on a real server.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{APACHE, APACHE_MODULES, NGINX};

/// How long a server may take to accept connections, and to stop.
const WAIT: Duration = Duration::from_secs(10);
/// How many free ports to try: another process may take the port between our probe
/// listener closing and the server binding it.
const ATTEMPTS: usize = 3;
/// The user the workers run as when started by root: Debian's web server user.
pub const WORKER_USER: &str = "www-data";

/// The Apache modules loaded, as Debian enables them by default (`a2query -m` on a fresh
/// install) minus those irrelevant here (deflate, env, filter, negotiation, reqtimeout,
/// setenvif, status, alias). `autoindex` is loaded on purpose: a folder without index.html
/// is then listed unless the configuration says `Options -Indexes`, as on a real server.
/// `authz_groupfile` is not enabled by default on Debian, so it is left out: a generated
/// config using `Require group` would fail here as it would there.
pub const APACHE_MODULES_LOADED: &[(&str, &str)] = &[
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("dir_module", "mod_dir.so"),
    ("mime_module", "mod_mime.so"),
    ("autoindex_module", "mod_autoindex.so"),
];

/// Whether this process runs as root (then servers switch their workers to `www-data`).
pub fn is_root() -> bool {
    // /proc/self belongs to the process's effective user; no libc call needed.
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A temporary folder the servers' workers can read (0755), for docroots and password
/// files: `tempfile` creates folders 0700, which `www-data` cannot enter.
pub fn temp_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod temp dir");
    reachable_by_workers(dir.path());
    dir
}

/// Panics, saying which folder, if a worker switched to `www-data` could not walk to `path`
/// (e.g. TMPDIR inside a 0700 home folder): every 403 would otherwise look like a finding.
fn reachable_by_workers(path: &Path) {
    if !is_root() {
        return;
    }
    for dir in path.ancestors().filter(|d| d.is_dir()) {
        let mode = fs::metadata(dir).map_or(0, |m| m.mode());
        assert!(
            mode & 0o001 != 0,
            "{} is not searchable by others (mode {:o}): the web servers' workers \
             ({WORKER_USER}) could not reach {}; set TMPDIR to a folder they can",
            dir.display(),
            mode & 0o7777,
            path.display()
        );
    }
}

// ---- nginx ------------------------------------------------------------------------------

pub struct Nginx {
    server: Server,
}

impl Nginx {
    /// nginx serving `docroot` with `server_body` (locations, includes…) inside its one
    /// `server {}` block, which already has `listen` and `root`; panics, showing the
    /// configuration and error log, if it does not start.
    pub fn start(docroot: &Path, server_body: &str) -> Nginx {
        Nginx::try_start(docroot, server_body).unwrap_or_else(|why| panic!("{why}"))
    }

    /// As `start`, or why the server did not start, with its configuration and error log.
    pub fn try_start(docroot: &Path, server_body: &str) -> Result<Nginx, String> {
        reachable_by_workers(docroot);
        let prefix = temp_dir();
        let p = prefix.path().to_owned();
        let server = Server::start("nginx", prefix, &p.join("nginx.pid"), |port| {
            let user = if is_root() {
                format!("user {WORKER_USER};\n")
            } else {
                String::new()
            };
            let conf = format!(
                r#"# Written by tests/hosting/servers.rs: everything but mime.types is in this prefix.
daemon off;
{user}worker_processes 1;
pid {p}/nginx.pid;
lock_file {p}/nginx.lock;
error_log {p}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {p}/access.log;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root "{root}";
{server_body}
    }}
}}
"#,
                p = p.display(),
                root = docroot.display(),
            );
            fs::write(p.join("nginx.conf"), conf).expect("write nginx.conf");
            let mut command = Command::new(NGINX);
            // -p and -e keep nginx away from /usr/share/nginx and /var/log/nginx even
            // before it has read the configuration.
            command
                .arg("-p")
                .arg(format!("{}/", p.display()))
                .arg("-c")
                .arg(p.join("nginx.conf"))
                .arg("-e")
                .arg(p.join("error.log"));
            command
        })?;
        Ok(Nginx { server })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The configuration and error log, for failure messages.
    pub fn error_log(&self) -> String {
        self.server.error_log()
    }
}

// ---- Apache -----------------------------------------------------------------------------

pub struct Apache {
    server: Server,
}

impl Apache {
    /// Apache serving `docroot` configured like a Debian server's default site: `Options
    /// Indexes FollowSymLinks`, `.ht*` files denied, `AllowOverride {allow_override}` (Debian
    /// ships `None`) — then `extra_config` (e.g. an `Include` of generated `<Directory>`
    /// blocks) at the end of the server configuration. Panics, showing the configuration
    /// and error log, if it does not start.
    pub fn start(docroot: &Path, extra_config: &str, allow_override: &str) -> Apache {
        Apache::try_start(docroot, extra_config, allow_override)
            .unwrap_or_else(|why| panic!("{why}"))
    }

    /// As `start`, or why the server did not start, with its configuration and error log.
    pub fn try_start(
        docroot: &Path,
        extra_config: &str,
        allow_override: &str,
    ) -> Result<Apache, String> {
        reachable_by_workers(docroot);
        let prefix = temp_dir();
        let p = prefix.path().to_owned();
        fs::create_dir(p.join("run")).expect("mkdir run");
        let server = Server::start("apache2", prefix, &p.join("apache2.pid"), |port| {
            let user = if is_root() {
                format!("User {WORKER_USER}\nGroup {WORKER_USER}\n")
            } else {
                String::new()
            };
            let modules: String = APACHE_MODULES_LOADED
                .iter()
                .map(|(name, file)| format!("LoadModule {name} {APACHE_MODULES}/{file}\n"))
                .collect();
            let conf = format!(
                r#"# Written by tests/hosting/servers.rs: everything but mime.types is in this prefix.
ServerRoot "{p}"
ServerName 127.0.0.1
DefaultRuntimeDir "{p}/run"
PidFile "{p}/apache2.pid"
ErrorLog "{p}/error.log"
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog "{p}/access.log" common
Listen 127.0.0.1:{port}
{user}{modules}
# Few processes and threads: tests send a handful of requests.
StartServers 1
ServerLimit 2
ThreadsPerChild 8
MaxRequestWorkers 16
MinSpareThreads 4
MaxSpareThreads 16

TypesConfig /etc/mime.types
DirectoryIndex index.html
AccessFileName .htaccess

# As Debian's apache2.conf and its default site (with the docroot in place of /var/www).
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot "{root}"
<Directory "{root}">
    Options Indexes FollowSymLinks
    AllowOverride {allow_override}
    Require all granted
</Directory>
<FilesMatch "^\.ht">
    Require all denied
</FilesMatch>

{extra_config}
"#,
                p = p.display(),
                root = docroot.display(),
            );
            fs::write(p.join("apache2.conf"), conf).expect("write apache2.conf");
            // Straight to the binary with -f: apache2ctl would read /etc/apache2/envvars.
            let mut command = Command::new(APACHE);
            command
                .arg("-f")
                .arg(p.join("apache2.conf"))
                .arg("-DFOREGROUND");
            command
        })?;
        Ok(Apache { server })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The configuration and error log, for failure messages.
    pub fn error_log(&self) -> String {
        self.server.error_log()
    }
}

// ---- a server process -------------------------------------------------------------------

/// A server running in the foreground as our child, in its own prefix.
struct Server {
    name: &'static str,
    port: u16,
    // Held to be stopped when dropped; declared before `prefix`, so dropped first: the
    // server stops before its folder is removed.
    _process: Process,
    prefix: tempfile::TempDir,
}

impl Server {
    /// Starts the server `command(port)` returns (having written its configuration for
    /// that port), trying another free port if that one was taken meanwhile; returns once
    /// the server has written `pid_file` and accepts connections.
    fn start(
        name: &'static str,
        prefix: tempfile::TempDir,
        pid_file: &Path,
        mut command: impl FnMut(u16) -> Command,
    ) -> Result<Server, String> {
        for attempt in 1..=ATTEMPTS {
            let port = free_port();
            for log in ["error.log", "stderr.log"] {
                let _ = fs::remove_file(prefix.path().join(log));
            }
            let stderr = fs::File::create(prefix.path().join("stderr.log")).expect("stderr.log");
            let child = command(port)
                .stdin(Stdio::null())
                .stdout(stderr.try_clone().expect("stderr.log"))
                .stderr(stderr)
                .spawn()
                .map_err(|e| format!("cannot run {name}: {e}"))?;
            let mut process = Process { child };
            match process.wait_until_ready(port, pid_file) {
                Ok(()) => {
                    return Ok(Server {
                        name,
                        port,
                        _process: process,
                        prefix,
                    });
                }
                Err(why) => {
                    drop(process);
                    let log = logs(name, prefix.path());
                    if log.contains("Address already in use") && attempt < ATTEMPTS {
                        continue;
                    }
                    return Err(format!("{name} on 127.0.0.1:{port} {why}\n{log}"));
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn error_log(&self) -> String {
        logs(self.name, self.prefix.path())
    }
}

/// Configuration, error log and anything printed at start, for failure messages.
fn logs(name: &str, prefix: &Path) -> String {
    let mut out = String::new();
    for file in ["nginx.conf", "apache2.conf", "error.log", "stderr.log"] {
        if let Ok(text) = fs::read_to_string(prefix.join(file)) {
            out.push_str(&format!("---- {name} {file}:\n{}\n", text.trim_end()));
        }
    }
    out
}

/// The server process; stopped when dropped.
struct Process {
    child: Child,
}

impl Process {
    /// Waits until the server has written its pid file (both write it after binding their
    /// sockets: a listener answering before that could be another process on the port)
    /// and accepts a connection; or says why not.
    fn wait_until_ready(&mut self, port: u16, pid_file: &Path) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let pid = self.child.id().to_string();
        while started.elapsed() < WAIT {
            if let Some(status) = self.child.try_wait().expect("poll server") {
                return Err(format!("exited at start ({status})"));
            }
            let written = fs::read_to_string(pid_file).is_ok_and(|p| p.trim() == pid);
            if written && TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(format!("did not accept connections within {WAIT:?}"))
    }
}

impl Drop for Process {
    /// SIGTERM (both servers' fast shutdown: the master stops its workers, which a SIGKILL
    /// of the master would leave running), then SIGKILL if it has not ended within `WAIT`.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < WAIT {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}
