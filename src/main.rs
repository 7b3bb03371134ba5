//! The `kanava` command line: parses arguments, calls the library, prints diagnostics and
//! picks the exit code (0 clean, 1 content errors, 2 usage or internal errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use kanava::diag::{self, Format, plural};
use kanava::model::lifecycle::Stage;

#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options: freed pages go back to the system after 1 s instead of 10 s. A build
/// frees each view's search index as the next one grows, and the default decay kept both
/// resident (10,000 pages × 8 views: peak RSS 1.13 → 1.06 GiB, CPU unchanged within noise).
/// The environment variable `_RJEM_MALLOC_CONF` still overrides it.
#[cfg(feature = "jemalloc")]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &[u8; 37] = b"dirty_decay_ms:1000,muzzy_decay_ms:0\0";

#[derive(Parser)]
#[command(
    name = "kanava",
    version,
    about = "Static reseller extranets: one role-filtered site per partner audience, from Markdown.",
    after_help = "Examples:
  kanava init my-extranet                 start a new site
  kanava build                            build ./ into ./public/<audience>/
  kanava check --format json              validate for CI, write nothing
  kanava build --stage staging            what reviewers see
  kanava status                           what goes live or expires soon
  kanava explain content/ordering/price-terms.md --audience silver-sales
  kanava explain sku:HP-12 --audience silver-sales     a product, and the prices it sees
  kanava diff                             what publishing staging would change

Run `kanava <command> --help` for a command's options."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which content: the stage and the moment (`--at`, time travel).
#[derive(Args, Clone)]
struct When {
    /// production: published and live; staging: also in review and scheduled; preview: everything
    #[arg(long, value_enum, default_value = "production")]
    stage: Stage,
    /// Build as of this moment instead of now: 2026-12-01 or 2026-12-01T09:00 (site timezone) or with an offset
    #[arg(long, value_name = "DATETIME")]
    at: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: one complete, self-contained site per audience
    #[command(after_help = "Examples:
  kanava build                            build ./ into ./public/
  kanava build --root site --out dist
  kanava build --audience gold            rebuild only public/gold/
  kanava build --stage staging            what reviewers see: also in review and scheduled
  kanava build --at 2026-12-01T09:00      the site as it will be on launch morning
  kanava build --deny-warnings            fail on warnings too (CI)
  kanava build --no-search                faster while writing: no search index
  kanava build --out dist --force         replace ./dist although kanava did not write it
  kanava build --no-cache --timings       parse every page again, and say where the time went

The output folder is replaced as a whole, so it may not be (or be inside, or hold) the site
root, content/, a catalog data folder or the theme folder. Two builds into one output do not
run at once: the second waits for the first. Pages whose text did not change since the last
build are taken from the cache folder ($KANAVA_CACHE_DIR, else $XDG_CACHE_HOME/kanava or
~/.cache/kanava) instead of being parsed again.")]
    Build {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the output, replaced atomically when the build succeeds [default: <root>/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build only this audience (repeatable)
        #[arg(long = "audience", value_name = "NAME")]
        audiences: Vec<String>,
        #[command(flatten)]
        when: When,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// Leave out the search index: a faster build while writing (the theme then links to
        /// the list of all pages instead of showing a search box)
        #[arg(long)]
        no_search: bool,
        /// Replace `--out` even if it is a non-empty folder that kanava did not write (it has
        /// no `.kanava-output` file); never an output that is or holds the site's sources
        #[arg(long)]
        force: bool,
        /// Encrypt every protected audience with the keys in this file (docs/encryption.md);
        /// public audiences stay plain [default: `encrypt:` in kanava.yaml]
        #[arg(long, value_name = "KEYFILE")]
        encrypt: Option<PathBuf>,
        /// Parse every page again: neither read nor keep the cache of parsed pages in
        /// the user's cache folder (the output is the same either way)
        #[arg(long)]
        no_cache: bool,
        /// Print how long each step of the build took
        #[arg(long)]
        timings: bool,
        /// How to print diagnostics
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Manage the partners of encrypted audiences: their magic links and passphrases
    #[command(after_help = "Examples:
  kanava keys add gold acme --base-url https://example.github.io/extranet/     a magic link for acme
  kanava keys add gold globex --generate        a generated passphrase instead
  kanava keys add gold initech --passphrase     a passphrase of your own, read from stdin
  kanava keys list                              audiences, epochs and partners (no secrets)
  kanava keys remove gold acme                  acme's credential stops opening the next build
  kanava keys rotate gold                       a new content key; links and passphrases keep working

The key file (`--file`, or `encrypt:` in kanava.yaml) is created by the first `add`; it holds
every protected audience's keys: keep it secret, out of git and out of the site, and back it
up. Rebuild with `kanava build --encrypt KEYFILE` and publish after every change. Files
downloaded before a removal or rotation stay readable with the old credential
(docs/encryption.md).")]
    Keys {
        #[command(subcommand)]
        action: KeysAction,
        /// The key file [default: `encrypt:` in kanava.yaml]
        #[arg(long, global = true, value_name = "KEYFILE")]
        file: Option<PathBuf>,
        /// The site's folder (holds kanava.yaml)
        #[arg(long, global = true, default_value = ".")]
        root: PathBuf,
    },
    /// Check everything `build` checks and write nothing (exit 1 on errors)
    #[command(after_help = "Examples:
  kanava check                            human-readable diagnostics
  kanava check --format json              one JSON object per line, for CI annotations
  kanava check --at 2027-01-01            will production links still work on New Year's Day?
  kanava check --deny-warnings            fail on warnings too")]
    Check {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        when: When,
        /// How to print diagnostics: human (with the source line), short (one line each) or
        /// json (one object per line, on stdout)
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Treat warnings as errors (exit 1 on any)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a new site that builds cleanly
    #[command(after_help = "Example:
  kanava init my-extranet && cd my-extranet && kanava build")]
    Init {
        /// Folder to create the site in (created if missing)
        dir: PathBuf,
    },
    /// Drafts, pages in review, what goes live or expires soon, and the next production change
    #[command(after_help = "Examples:
  kanava status                           the next 30 days
  kanava status --days 7 --format json    for a release bot or CI scheduler
  kanava status --translations            per language: missing and outdated translations
  kanava status --translations --format csv > to-translate.csv

Runs on a site with content errors too (a note on stderr counts them); only errors in
kanava.yaml stop it.")]
    Status {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How many days ahead to look (0 to 36500)
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=MAX_STATUS_DAYS))]
        days: i64,
        /// Status as of this moment instead of now
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
        /// Report translations instead: per language, pages missing a translation and
        /// translations whose source changed since (issue 18)
        #[arg(long)]
        translations: bool,
        /// human: a text report; json: the same, for scripts; csv: one row per missing or
        /// outdated translation (with --translations)
        #[arg(long, value_enum, default_value = "human")]
        format: StatusFormat,
    },
    /// What a release changes, per audience: pages and assets added, removed and changed
    #[command(after_help = "Examples:
  kanava diff                             what publishing would change: production → staging, now
  kanava diff --to preview                production → everything, drafts included
  kanava diff --to-at 2026-12-01T09:00    production now → production on launch morning
  kanava diff --from-at 2026-11-30 --to-at 2026-12-01T09:00      production before and after launch

With no flags it compares production now with staging now: what the site would gain and lose
if everything in review and scheduled were published. Given a moment (`--from-at`/`--to-at`),
it compares one stage over time (`--from`, production unless given). Runs on a site with
content errors too (a note on stderr counts them); only errors in kanava.yaml stop it.")]
    Diff {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The stage now published, the old side
        #[arg(long, value_enum, default_value = "production")]
        from: Stage,
        /// The new side [default: staging; with `--from-at` or `--to-at`: the `--from` stage]
        #[arg(long, value_enum)]
        to: Option<Stage>,
        /// The moment of the old side instead of now: 2026-12-01 or 2026-12-01T09:00 (site timezone)
        #[arg(long, value_name = "DATETIME")]
        from_at: Option<String>,
        /// The moment of the new side instead of now: 2026-12-01 or 2026-12-01T09:00 (site timezone)
        #[arg(long, value_name = "DATETIME")]
        to_at: Option<String>,
        /// human: a text report; json: the same, for scripts
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
    },
    /// Show which audiences receive each page, product and asset
    #[command(after_help = "Examples:
  kanava audiences                        a table in the terminal
  kanava audiences --format csv > matrix.csv
  kanava audiences --format json          with the prices each audience sees of each product

Products are rows of kind `product`, named `sku:<SKU>` (what `kanava explain` takes). Runs on
a site with content errors too (a note on stderr counts them); only errors in kanava.yaml
stop it.")]
    Audiences {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        when: When,
        /// table: for the terminal; csv: yes/no per audience; json: also the prices each
        /// audience sees of each product
        #[arg(long, value_enum, default_value = "table")]
        format: MatrixFormat,
    },
    /// Explain why a page or product is or is not in an audience's site, and which prices it sees
    #[command(after_help = "Examples:
  kanava explain content/ordering/price-terms.md --audience silver-sales
  kanava explain sku:HP-12 --audience silver-sales          a product, and the prices it sees
  kanava explain data/products/heat-pumps.yaml --audience gold     every product in the file

Runs on a site with content errors too, so it can help fix a `hidden-link-target` error (a
note on stderr counts the errors); only errors in kanava.yaml stop it.")]
    Explain {
        /// A page's Markdown file (content/… or relative to content/), a product (sku:HP-12),
        /// or a catalog data file (every product in it; data/x.yaml#HP-12 for one)
        page: String,
        /// The audience whose site to explain (a name from kanava.yaml)
        #[arg(long, value_name = "NAME")]
        audience: String,
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        when: When,
    },
    /// Preview the site while writing: served from memory, rebuilt and reloaded on every save
    #[command(after_help = "Examples:
  kanava serve                            http://127.0.0.1:<free port>/, every audience
  kanava serve --port 8000 --open         a fixed port, opened in the browser
  kanava serve --stage staging --at 2026-12-01T09:00     launch morning, as reviewers see it
  kanava serve --audience gold --no-search               faster on a large site

Nothing is written to public/. Each save rebuilds the site and reloads the open pages; a
build with errors keeps the last good pages and shows the errors over them (and here). The
bar at the bottom of every page switches audience, stage and \"as of\" date; it, and the
script behind it, exist only in `serve`. Listens on 127.0.0.1 unless `--bind` says
otherwise: the preview shows every audience's content to whoever can reach it.")]
    Serve {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port; 0 picks a free one (printed)
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The address to listen on; anything but loopback shows every audience's content to
        /// the network
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        #[command(flatten)]
        when: When,
        /// Build only this audience (repeatable): faster on large sites
        #[arg(long = "audience", value_name = "NAME")]
        audiences: Vec<String>,
        /// Leave the search index out: faster rebuilds
        #[arg(long)]
        no_search: bool,
        /// Open the site in the default browser once it is served
        #[arg(long)]
        open: bool,
    },
    /// Write the access control for a host: who may read each audience's site
    #[command(
        name = "deploy-config",
        after_help = "Examples:
  kanava deploy-config --host nginx --users ../secrets/users.csv
  kanava deploy-config --host apache --users users.csv --secrets-dir /etc/apache2/kanava --docroot /var/www/extranet
  kanava deploy-config --host netlify --users users.csv      _headers with plain-text passwords: keep it secret

Writes into deploy/<host>/ (outside the publish folder): the host's configuration, the
password files (hashed, readable by you only) and deploy-probe.json for `kanava probe`.
The users file (CSV: user,audience,password — or hash) stays out of git. An audience
without users is refused unless it is public (docs/hosting.md)."
    )]
    DeployConfig {
        /// The host: nginx, apache, netlify, cloudflare or cloudfront [default: `hosting.host` in kanava.yaml]
        #[arg(long, value_enum)]
        host: Option<kanava::deploy::Host>,
        /// The users file: CSV or YAML with user, audience, password or hash [default: `hosting.users`]
        #[arg(long, value_name = "FILE")]
        users: Option<PathBuf>,
        /// The site's folder (holds kanava.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The built site: the publish folder [default: <root>/public]
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// Where to write the configuration, outside the publish folder [default: <root>/deploy/<host>]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Where the password files will be on the server (absolute) [default: <out>/htpasswd]
        #[arg(long, value_name = "PATH")]
        secrets_dir: Option<String>,
        /// Where the publish folder will be on the server (absolute), for Apache's <Directory> [default: --site]
        #[arg(long, value_name = "PATH")]
        docroot: Option<String>,
        /// How passwords are hashed: bcrypt ($2y$) or sha512 ($6$, for older nginx builds)
        #[arg(long, value_enum, default_value = "bcrypt")]
        hash: kanava::deploy::Hash,
        /// The site's address, for the cloud hosts [default: base_url]
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Cloudflare Pages project: its pages.dev and preview hostnames are covered too
        #[arg(long, value_name = "NAME")]
        pages_project: Option<String>,
    },
    /// Prove a deployed site's access control: every audience refused to others, served to its own
    #[command(after_help = "Examples:
  kanava probe https://partners.example.com/ --manifest deploy/nginx/deploy-probe.json --users ../secrets/users.csv
  kanava probe http://127.0.0.1:8080/ --manifest deploy/apache/deploy-probe.json --format json

For each protected audience: its page, a PDF or image, the search index, the feed and
made-up .pdf/.png/.css/… addresses must be refused anonymously and to other audiences'
users, and served to its own; dotfiles and the users file to nobody; no folder listed.
Exit 1 on any failure: run it in CI after each deploy.")]
    Probe {
        /// The deployed site's address
        url: String,
        /// What to try, written by `kanava deploy-config`
        #[arg(long, value_name = "FILE", default_value = "deploy-probe.json")]
        manifest: PathBuf,
        /// The users file, to sign in as each audience (users with a plain-text password)
        #[arg(long, value_name = "FILE")]
        users: Option<PathBuf>,
        /// human: a table; json: every check, for scripts
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Give a partner a credential for an audience: a magic link (default) or a passphrase
    Add {
        /// The audience (a protected audience of kanava.yaml)
        audience: String,
        /// The partner's name: kept in the key file only, never published
        partner: String,
        /// A passphrase of your own (at least 12 characters), read from stdin
        #[arg(long, conflicts_with = "generate")]
        passphrase: bool,
        /// A generated passphrase (8 words) instead of a magic link
        #[arg(long)]
        generate: bool,
        /// The site's address, for the magic link [default: base_url]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Take a partner's credential away: the audience gets a new content key (rotation)
    Remove {
        /// The audience
        audience: String,
        /// The partner's name, as given to `keys add`
        partner: String,
    },
    /// Audiences, epochs and partners in the key file (no secrets)
    List,
    /// A new content key for an audience; every remaining credential keeps working
    Rotate {
        /// The audience
        audience: String,
    },
}

/// A hundred years: enough for any plan. Larger values were a panic in the date arithmetic
/// (issue #12, `--days 7304485`); now they are a usage error.
const MAX_STATUS_DAYS: i64 = 36_500;

#[derive(Clone, Copy, ValueEnum)]
enum MatrixFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    Human,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The user's cache folder for kanava (`kanava build`'s parsed pages, issue 19):
/// `$KANAVA_CACHE_DIR`, else `$XDG_CACHE_HOME/kanava`, else `~/.cache/kanava` (on Windows
/// `%LOCALAPPDATA%\kanava`); `None` when there is no such place.
fn cache_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("KANAVA_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("kanava")))
        .or_else(|| var("HOME").map(|d| d.join(".cache/kanava")))
        .or_else(|| var("LOCALAPPDATA").map(|d| d.join("kanava")))
        .filter(|d| d.is_absolute())
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build {
            root,
            out,
            audiences,
            when,
            deny_warnings,
            no_search,
            force,
            encrypt,
            no_cache,
            timings,
            format,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = kanava::Options {
                root,
                out: Some(out.clone()),
                audiences,
                deny_warnings,
                progress: progress_line(),
                stage: when.stage,
                at: when.at,
                no_search,
                force,
                notice: Some(notice_line()),
                encrypt,
                cache: None,
                cache_dir: if no_cache { None } else { cache_dir() },
                first: Vec::new(),
            };
            let outcome = kanava::build(&options)?;
            clear_progress_line(&options);
            print_diagnostics(&outcome, format);
            let s = &outcome.stats;
            if timings && !s.phases.0.is_empty() {
                eprintln!("timings: {}", s.phases);
            }
            if s.reused > 0 {
                eprintln!(
                    "{} of {} unchanged since the last build: not parsed again (--no-cache parses all)",
                    s.reused,
                    plural(s.documents, "Markdown file"),
                );
            }
            if outcome.up_to_date {
                eprintln!(
                    "{} is up to date: nothing changed since the last build ({:.2?})",
                    out.display(),
                    s.elapsed
                );
                Ok(ExitCode::SUCCESS)
            } else if outcome.wrote {
                eprintln!(
                    "built {} and {} in {} ({}) into {} ({}) in {:.2?}",
                    plural(s.pages, "page"),
                    plural(s.assets, "asset"),
                    plural(s.views, "view"),
                    options.stage.name(),
                    out.display(),
                    plural(outcome.warnings(), "warning"),
                    s.elapsed
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "build failed: {}, {}; {} was left as it was",
                    plural(outcome.errors(), "error"),
                    plural(outcome.warnings(), "warning"),
                    out.display()
                );
                Ok(ExitCode::from(1))
            }
        }
        Command::Check {
            root,
            when,
            format,
            deny_warnings,
        } => {
            let options = kanava::Options {
                root,
                deny_warnings,
                progress: progress_line(),
                stage: when.stage,
                at: when.at,
                ..kanava::Options::default()
            };
            let outcome = kanava::build(&options)?;
            clear_progress_line(&options);
            print_diagnostics(&outcome, format);
            let failed = outcome.errors() > 0 || (deny_warnings && outcome.warnings() > 0);
            if format != Format::Json {
                let s = &outcome.stats;
                // Errors found before any view was planned stop the check there: it then
                // rendered nothing, so it says so rather than "0 pages in 0 views" (#13).
                let scope = if s.views == 0 {
                    format!(
                        "in {:.2?}; pages are rendered once these are fixed",
                        s.elapsed
                    )
                } else {
                    format!(
                        "{} in {} checked in {:.2?}",
                        plural(s.pages, "page"),
                        plural(s.views, "view"),
                        s.elapsed
                    )
                };
                eprintln!(
                    "{}: {}, {} ({scope})",
                    if failed {
                        "check failed"
                    } else {
                        "check passed"
                    },
                    plural(outcome.errors(), "error"),
                    plural(outcome.warnings(), "warning"),
                );
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Keys { action, file, root } => keys(action, file, &root),
        Command::Init { dir } => {
            kanava::init::run(&dir)?;
            eprintln!(
                "created a new site in {}; next: cd {} && kanava build",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Status {
            root,
            days,
            at,
            translations,
            format,
        } => {
            if format == StatusFormat::Csv && !translations {
                eprintln!(
                    "error: `--format csv` is for `--translations`; the status report is `human` or `json`"
                );
                return Ok(ExitCode::from(2));
            }
            let Some((site, at)) = load_for_report(&root, Stage::Production, at.as_deref())? else {
                return Ok(ExitCode::from(1));
            };
            if translations {
                use kanava::report::translations;
                let report = translations::make(&site);
                match format {
                    StatusFormat::Human => print!("{}", translations::human(&report)),
                    StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                    StatusFormat::Csv => print!("{}", translations::csv(&report)),
                }
                return Ok(ExitCode::SUCCESS);
            }
            let report = kanava::report::status::make(&site, at, days);
            match format {
                StatusFormat::Human => print!("{}", kanava::report::status::human(&report)),
                StatusFormat::Json | StatusFormat::Csv => {
                    println!("{}", serde_json::to_string_pretty(&report)?)
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            root,
            from,
            to,
            from_at,
            to_at,
            format,
        } => {
            // With no moment, what publishing would change (production → staging, now);
            // with one, the `--from` stage over time (issue #13: it compared production
            // with itself).
            let to = to.unwrap_or(if from_at.is_some() || to_at.is_some() {
                from
            } else {
                Stage::Staging
            });
            // Links are checked for the newer side: that is what would be published.
            let Some((site, to_moment)) = load_for_report(&root, to, to_at.as_deref())? else {
                return Ok(ExitCode::from(1));
            };
            let from_moment = match (from_at.as_deref(), &to_at) {
                // Both sides now: the same now.
                (None, None) => to_moment,
                (None, Some(_)) => jiff::Timestamp::now(),
                (Some(text), _) => site.calendar.parse(text).ok_or_else(|| {
                    anyhow::anyhow!("`--from-at {text}` is not a date or date and time (write e.g. 2026-12-01 or 2026-12-01T09:00)")
                })?,
            };
            if from == to && from_moment == to_moment {
                eprintln!(
                    "error: both sides are {} at {}: nothing to compare (give `--to` another stage, or `--to-at` another moment)",
                    from.name(),
                    site.calendar.iso(to_moment)
                );
                return Ok(ExitCode::from(2));
            }
            let report = kanava::report::diff::make(&site, (from, from_moment), (to, to_moment));
            match format {
                ReportFormat::Human => print!("{}", kanava::report::diff::human(&report)),
                ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audiences { root, when, format } => {
            let Some((site, at)) = load_for_report(&root, when.stage, when.at.as_deref())? else {
                return Ok(ExitCode::from(1));
            };
            let m = kanava::report::matrix(&site, when.stage, at);
            match format {
                MatrixFormat::Table => print!("{}", kanava::report::matrix_table(&m)),
                MatrixFormat::Csv => print!("{}", kanava::report::matrix_csv(&m)),
                MatrixFormat::Json => println!("{}", serde_json::to_string_pretty(&m)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            root,
            port,
            bind,
            when,
            audiences,
            no_search,
            open,
        } => {
            if !bind.is_loopback() {
                eprintln!(
                    "warning: listening on {bind}: every audience's content, drafts included in preview, is readable by whoever reaches this address"
                );
            }
            // The watcher reports real paths: a root reached through a symlink (macOS's
            // /tmp) is compared in its real form.
            let root = root.canonicalize().unwrap_or(root);
            let options = kanava::serve::Options {
                root,
                bind,
                port,
                stage: when.stage,
                at: when.at,
                audiences,
                no_search,
                cache_dir: cache_dir(),
            };
            kanava::serve::run(
                options,
                |ready| {
                    eprintln!("serving at {} — Ctrl-C to stop", ready.url);
                    if open {
                        open_browser(&ready.url);
                    }
                },
                |line| eprintln!("{}", line.trim_end()),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::DeployConfig {
            host,
            users,
            root,
            site,
            out,
            secrets_dir,
            docroot,
            hash,
            url,
            pages_project,
        } => {
            let Some((loaded, _)) = load_for_report(&root, Stage::Production, None)? else {
                return Ok(ExitCode::from(1));
            };
            let settings = &loaded.hosting;
            let Some(host) = host.or(settings.host) else {
                anyhow::bail!(
                    "name the host: `--host nginx` (or apache, netlify, cloudflare, cloudfront), or `hosting: {{ host: nginx }}` in kanava.yaml"
                );
            };
            let Some(users_path) = users.or_else(|| settings.users.as_ref().map(|u| root.join(u)))
            else {
                anyhow::bail!(
                    "give the users file: `--users users.csv` (CSV: user,audience,password), or `hosting: {{ users: … }}` in kanava.yaml; keep it out of git"
                );
            };
            let site_dir = site.unwrap_or_else(|| root.join("public"));
            let users = match read_users(&users_path, &root, &site_dir, &loaded.audiences)? {
                Some(users) => users,
                None => return Ok(ExitCode::from(1)),
            };
            let request = kanava::deploy::Request {
                host,
                out: out.unwrap_or_else(|| root.join("deploy").join(host.name())),
                site_dir,
                secrets_dir,
                docroot,
                hash,
                url,
                pages_project,
                users_file_name: users_path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned()),
            };
            let deployment = kanava::deploy::plan(&loaded, users, &request)?;
            let generated = kanava::deploy::generate(&deployment)?;
            kanava::deploy::write(&request.out, &generated)?;
            for w in &generated.warnings {
                eprintln!("warning: {w}");
            }
            eprintln!(
                "wrote {} for {} into {}:",
                plural(generated.files.len(), "file"),
                host.name(),
                request.out.display()
            );
            for f in &generated.files {
                eprintln!(
                    "  {}{}",
                    f.path,
                    if f.secret {
                        "  (secret: keep it out of git and off the web)"
                    } else {
                        ""
                    }
                );
            }
            eprintln!("next:");
            for (n, step) in generated.next_steps.iter().enumerate() {
                eprintln!("  {}. {step}", n + 1);
            }
            eprintln!(
                "  {}. after deploying: kanava probe <URL> --manifest {} --users {}",
                generated.next_steps.len() + 1,
                request.out.join(kanava::deploy::manifest::FILE).display(),
                users_path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Probe {
            url,
            manifest,
            users,
            format,
        } => {
            let text = std::fs::read_to_string(&manifest).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read `{}`: {e}; `kanava deploy-config` writes it (deploy/<host>/deploy-probe.json): give it with `--manifest`",
                    manifest.display()
                )
            })?;
            let manifest: kanava::deploy::Manifest = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!("`{}` is not a deploy-probe.json: {e}", manifest.display())
            })?;
            let credentials = match &users {
                Some(path) => match probe_credentials(path, &manifest)? {
                    Some(c) => c,
                    None => return Ok(ExitCode::from(1)),
                },
                None => Vec::new(),
            };
            let report = kanava::probe::run(&url, &manifest, &credentials)?;
            match format {
                ReportFormat::Human => print!("{}", kanava::probe::human(&report)),
                ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            }
            Ok(if report.failures() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Explain {
            page,
            audience,
            root,
            when,
        } => {
            let Some((site, at)) = load_for_report(&root, when.stage, when.at.as_deref())? else {
                return Ok(ExitCode::from(1));
            };
            let view_of = |audience| kanava::plan::View {
                audience,
                language: 0,
                stage: when.stage,
                at,
            };
            match kanava::report::explain(&site, view_of, &page, &audience) {
                Ok(text) => {
                    print!("{text}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// A status line on stderr for builds that take more than a moment — only on a terminal,
/// never in CI or when output is piped.
fn progress_line() -> Option<kanava::Progress> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let started = std::time::Instant::now();
    Some(std::sync::Arc::new(move |status: &str| {
        if started.elapsed() > std::time::Duration::from_millis(300) {
            eprint!("\r\x1b[2K{status}…");
        }
    }))
}

/// Prints what the user should see at once (waiting for another build, a leftover that could
/// not be removed) on a line of its own, also off a terminal.
fn notice_line() -> kanava::Progress {
    let terminal = progress_line().is_some();
    std::sync::Arc::new(move |message: &str| {
        if terminal {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{message}");
    })
}

fn clear_progress_line(options: &kanava::Options) {
    if options.progress.is_some() {
        eprint!("\r\x1b[2K");
    }
}

/// Loads the site for a report (`audiences`, `explain`, `status`, `diff`).
///
/// Content errors do not stop a report (issue #13): `explain` is how one fixes a
/// `hidden-link-target` error, so the reports describe the site as it is, and a note on
/// stderr counts the errors. Only the configuration stops them: without a usable
/// kanava.yaml there is no site model, and with errors in it the audiences, axes or catalog
/// a report is about may be wrong. Prints those errors and returns `None` then.
fn load_for_report(
    root: &Path,
    stage: Stage,
    at: Option<&str>,
) -> anyhow::Result<Option<(kanava::model::Site, jiff::Timestamp)>> {
    let mut diags = Vec::new();
    let loaded = kanava::load_site(root, stage, at, &mut diags)?;
    diag::normalize(&mut diags);
    let in_config = |d: &&diag::Diagnostic| {
        d.is_error() && d.file.as_deref() == Some(kanava::load::CONFIG_FILE)
    };
    let stopping: Vec<diag::Diagnostic> = match &loaded.site {
        Some(_) => diags.iter().filter(in_config).cloned().collect(),
        None => diags.iter().filter(|d| d.is_error()).cloned().collect(),
    };
    let Some(site) = loaded.site.filter(|_| stopping.is_empty()) else {
        eprint!(
            "{}",
            diag::render(&stopping, &loaded.sources, Format::Human, color())
        );
        eprintln!(
            "fix {} first: reports need a usable configuration (`kanava check` lists every problem)",
            kanava::load::CONFIG_FILE
        );
        return Ok(None);
    };
    let errors = diag::count_errors(&diags);
    if errors > 0 {
        eprintln!(
            "note: the site has {}; `kanava check` lists them (this report shows the site as it is)",
            plural(errors, "error")
        );
    }
    Ok(Some((site, loaded.at)))
}

/// `kanava keys` (issue 20): reads the site's audiences, changes the key file, says what the
/// partner is given and what to do next.
fn keys(action: KeysAction, file: Option<PathBuf>, root: &Path) -> anyhow::Result<ExitCode> {
    use kanava::encrypt::keys::Credential;
    use kanava::encrypt::{keyfile, keys as k};
    use kanava::model::audience::Openness;
    let Some((site, _)) = load_for_report(root, Stage::Production, None)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(path) = file.or_else(|| site.config.encrypt.as_ref().map(|p| root.join(p))) else {
        anyhow::bail!(
            "give the key file: `kanava keys --file ../secrets/kanava-keys.json …`, or `encrypt: ../secrets/kanava-keys.json` in kanava.yaml; keep it out of the site and out of git"
        );
    };
    keyfile::check_location(&path, root, Some(&root.join("public")))?;
    let existing = keyfile::read(&path)?;
    let created = existing.is_none();
    let mut keys = existing.unwrap_or_default();
    let protected = |name: &str| -> anyhow::Result<()> {
        let model = &site.audiences;
        match model.audience_id(name) {
            Some(id) if matches!(model.openness(id), Openness::Protected) => Ok(()),
            Some(_) => anyhow::bail!(
                "`{name}` is public (kanava.yaml): its site is never encrypted, so it needs no keys"
            ),
            None => anyhow::bail!(
                "no audience named `{name}`; {}",
                diag::suggest_help(name, &model.audience_names(), "audiences")
            ),
        }
    };
    let unchanged = || -> anyhow::Result<ExitCode> {
        eprintln!("the key file `{}` was left as it was", path.display());
        Ok(ExitCode::from(1))
    };
    match action {
        KeysAction::Add {
            audience,
            partner,
            passphrase,
            generate,
            base_url,
        } => {
            protected(&audience)?;
            let secret = if generate {
                Some(kanava::encrypt::generate_passphrase()?)
            } else if passphrase {
                if std::io::stdin().is_terminal() {
                    eprint!(
                        "passphrase for {partner} (at least {} characters; shown as typed): ",
                        k::MIN_PASSPHRASE
                    );
                }
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\n', '\r']).to_owned())
            } else {
                None
            };
            let credential = match keys.add(&audience, &partner, secret.as_deref()) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return unchanged();
                }
            };
            keyfile::write(&path, &keys)?;
            if created {
                eprintln!(
                    "created the key file `{}`. It holds the keys of every protected audience: keep it secret (never in git, never in the site) and back it up — without it no partner can be added and no build encrypted with the same keys.",
                    path.display()
                );
            }
            match credential {
                Credential::Token(token) => {
                    let base = base_url.or_else(|| site.config.base_url.clone());
                    let base = base.map(|b| if b.ends_with('/') { b } else { format!("{b}/") });
                    let folder = if site.audiences.configured {
                        format!("{audience}/")
                    } else {
                        String::new()
                    };
                    eprintln!(
                        "magic link for {partner} (send it privately; whoever has it can read `{audience}`):"
                    );
                    println!("{}{folder}#k={token}", base.as_deref().unwrap_or(""));
                    if base.is_none() {
                        eprintln!(
                            "note: no base_url in kanava.yaml: put the site's address in front (or pass `--base-url`)"
                        );
                    }
                }
                Credential::Passphrase(p) => {
                    eprintln!(
                        "passphrase for {partner} (send it privately; it opens `{audience}`):"
                    );
                    println!("{p}");
                }
            }
            eprintln!(
                "next: kanava build --encrypt {}, then publish",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysAction::Remove { audience, partner } => {
            if !keys.remove(&audience, &partner)? {
                eprintln!(
                    "error: `{audience}` has no partner `{partner}` (`kanava keys list` shows them)"
                );
                return unchanged();
            }
            keyfile::write(&path, &keys)?;
            eprintln!(
                "removed {partner} from {audience} and rotated its key (epoch {}); other partners' links and passphrases keep working",
                keys.audiences.get(&audience).map_or(0, |a| a.epoch)
            );
            eprintln!(
                "next: kanava build --encrypt {}, then publish. Files {partner} downloaded before stay readable with the old credential.",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysAction::Rotate { audience } => {
            if !keys.rotate(&audience)? {
                eprintln!(
                    "error: the key file has no keys for `{audience}`: add a partner first (`kanava keys add {audience} PARTNER`)"
                );
                return unchanged();
            }
            keyfile::write(&path, &keys)?;
            eprintln!(
                "rotated {audience}: epoch {}, a new content key; links and passphrases keep working",
                keys.audiences.get(&audience).map_or(0, |a| a.epoch)
            );
            eprintln!(
                "next: kanava build --encrypt {}, then publish. Files downloaded before stay readable with the old credential.",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysAction::List => {
            if created {
                eprintln!(
                    "there is no key file `{}` yet: `kanava keys add AUDIENCE PARTNER` creates it",
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<20} {:>5}  {:<24} {:<10} slot",
                "audience", "epoch", "partner", "kind"
            );
            for (name, a) in &keys.audiences {
                if a.slots.is_empty() {
                    println!("{name:<20} {:>5}  {:<24} {:<10} -", a.epoch, "(nobody)", "");
                }
                for slot in &a.slots {
                    let kind = match slot.kind {
                        k::SlotKind::Token => "link",
                        k::SlotKind::Passphrase => "passphrase",
                    };
                    println!(
                        "{name:<20} {:>5}  {:<24} {kind:<10} {}",
                        a.epoch, slot.partner, slot.id
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads and checks the users file; `None` after printing its problems. Refuses a users
/// file that could be published: inside the publish folder or the site's content.
fn read_users(
    path: &Path,
    root: &Path,
    site_dir: &Path,
    audiences: &kanava::model::audience::AudienceModel,
) -> anyhow::Result<Option<Vec<kanava::deploy::User>>> {
    let abs = |p: &Path| std::path::absolute(p).map(|a| a.canonicalize().unwrap_or(a));
    let file = abs(path)?;
    for (dir, what) in [
        (site_dir.to_owned(), "the publish folder"),
        (root.join("content"), "content/"),
    ] {
        if file.starts_with(abs(&dir)?) {
            anyhow::bail!(
                "the users file `{}` is inside {what}, where it could be published: move it out of the site (and out of git)",
                path.display()
            );
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the users file `{}`: {e}", path.display()))?;
    let name = path.display().to_string();
    let (users, diags) = kanava::deploy::users::parse(&text, &name, audiences);
    if diags.is_empty() {
        return Ok(Some(users));
    }
    print_users_problems(&diags);
    eprintln!(
        "the users file has {}; nothing was written",
        plural(diags.len(), "problem")
    );
    Ok(None)
}

/// The users file's problems, at file:line:col but without the lines themselves: they
/// hold passwords, and this output lands in terminals and CI logs.
fn print_users_problems(diags: &[diag::Diagnostic]) {
    eprint!(
        "{}",
        diag::render(diags, &diag::SourceMap::default(), Format::Human, color())
    );
}

/// The probe's credentials: the users file read against the manifest's audiences; the
/// first user of each audience with a plain-text password signs in for it.
fn probe_credentials(
    path: &Path,
    manifest: &kanava::deploy::Manifest,
) -> anyhow::Result<Option<Vec<kanava::probe::Credential>>> {
    let model = kanava::model::audience::AudienceModel::named(
        manifest.audiences.iter().map(|a| a.name.clone()),
    );
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the users file `{}`: {e}", path.display()))?;
    let name = path.display().to_string();
    let (users, diags) = kanava::deploy::users::parse(&text, &name, &model);
    if !diags.is_empty() {
        print_users_problems(&diags);
        return Ok(None);
    }
    let mut credentials: Vec<kanava::probe::Credential> = Vec::new();
    for u in users {
        let audience = &model.audiences[u.audience].name;
        if let Some(password) = u.password
            && !credentials.iter().any(|c| &c.audience == audience)
        {
            credentials.push(kanava::probe::Credential {
                user: u.name,
                audience: audience.clone(),
                password,
            });
        }
    }
    Ok(Some(credentials))
}

/// Opens `url` in the desktop's browser; a failure is only a note (the URL is printed).
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program).arg(url).spawn() {
        eprintln!("note: could not open a browser ({program}: {e}); open {url} yourself");
    }
}

fn print_diagnostics(outcome: &kanava::Outcome, format: Format) {
    let text = diag::render(&outcome.diagnostics, &outcome.sources, format, color());
    if format == Format::Json {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every flag and argument of every command says what it does (issue #13: `diff --root`,
    /// `--from-at`, `--to-at` and `--format` had no help text).
    #[test]
    fn every_argument_has_help() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        let mut missing = Vec::new();
        let mut seen = 0;
        let mut commands = vec![cli];
        while let Some(command) = commands.pop() {
            for arg in command.get_arguments() {
                seen += 1;
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    missing.push(format!("kanava {} {}", command.get_name(), arg.get_id()));
                }
            }
            if command
                .get_about()
                .is_none_or(|a| a.to_string().trim().is_empty())
            {
                missing.push(format!(
                    "kanava {} (the command itself)",
                    command.get_name()
                ));
            }
            commands.extend(command.get_subcommands().cloned());
        }
        assert!(
            seen > 20,
            "only {seen} arguments found: is the walk broken?"
        );
        assert!(missing.is_empty(), "no help text:\n{}", missing.join("\n"));
    }
}
