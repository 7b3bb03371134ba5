//! The `kanava` command line: parses arguments, calls the library, prints diagnostics and
//! picks the exit code (0 clean, 1 content errors, 2 usage or internal errors).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use kanava::diag::{self, Format};

#[derive(Parser)]
#[command(
    name = "kanava",
    version,
    about = "Static reseller extranets: one role-filtered site per partner audience, from Markdown."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: one complete, self-contained site per audience
    #[command(after_help = "Examples:
  kanava build                       build ./ into ./public/
  kanava build --root site --out dist
  kanava build --audience gold       rebuild only public/gold/
  kanava build --deny-warnings       fail on warnings too (CI)")]
    Build {
        /// The site's folder (holds kanava.yaml and content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the output (replaced atomically when the build succeeds)
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Build only this audience (repeatable)
        #[arg(long = "audience", value_name = "NAME")]
        audiences: Vec<String>,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// How to print diagnostics
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Check everything `build` checks and write nothing (exit 1 on errors)
    #[command(after_help = "Examples:
  kanava check                       human-readable diagnostics
  kanava check --format json         one JSON object per line, for CI annotations
  kanava check --deny-warnings       fail on warnings too")]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
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
    /// Show which audiences receive each page and asset
    #[command(after_help = "Examples:
  kanava audiences                   a table in the terminal
  kanava audiences --format csv > matrix.csv")]
    Audiences {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: MatrixFormat,
    },
    /// Explain why a page is or is not in an audience's site
    #[command(after_help = "Example:
  kanava explain content/ordering/price-terms.md --audience silver-sales")]
    Explain {
        /// The page's Markdown file (content/… or relative to content/)
        page: String,
        #[arg(long, value_name = "NAME")]
        audience: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum MatrixFormat {
    Table,
    Csv,
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

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build {
            root,
            out,
            audiences,
            deny_warnings,
            format,
        } => {
            let out = if out.is_relative() {
                root.join(out)
            } else {
                out
            };
            let options = kanava::Options {
                root,
                out: Some(out.clone()),
                audiences,
                deny_warnings,
                progress: progress_line(),
            };
            let outcome = kanava::build(&options)?;
            clear_progress_line(&options);
            print_diagnostics(&outcome, format);
            let s = &outcome.stats;
            if outcome.wrote {
                eprintln!(
                    "built {} pages and {} assets in {} view{} into {} ({} warning{}) in {:.2?}",
                    s.pages,
                    s.assets,
                    s.views,
                    if s.views == 1 { "" } else { "s" },
                    out.display(),
                    outcome.warnings(),
                    if outcome.warnings() == 1 { "" } else { "s" },
                    s.elapsed
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "build failed: {} error{}, {} warning{}; {} was left as it was",
                    outcome.errors(),
                    if outcome.errors() == 1 { "" } else { "s" },
                    outcome.warnings(),
                    if outcome.warnings() == 1 { "" } else { "s" },
                    out.display()
                );
                Ok(ExitCode::from(1))
            }
        }
        Command::Check {
            root,
            format,
            deny_warnings,
        } => {
            let options = kanava::Options {
                root,
                out: None,
                deny_warnings,
                progress: progress_line(),
                ..kanava::Options::default()
            };
            let outcome = kanava::build(&options)?;
            clear_progress_line(&options);
            print_diagnostics(&outcome, format);
            let failed = outcome.errors() > 0 || (deny_warnings && outcome.warnings() > 0);
            if format != Format::Json {
                eprintln!(
                    "{}: {} error{}, {} warning{} ({} pages in {} views checked in {:.2?})",
                    if failed {
                        "check failed"
                    } else {
                        "check passed"
                    },
                    outcome.errors(),
                    if outcome.errors() == 1 { "" } else { "s" },
                    outcome.warnings(),
                    if outcome.warnings() == 1 { "" } else { "s" },
                    outcome.stats.pages,
                    outcome.stats.views,
                    outcome.stats.elapsed
                );
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Init { dir } => {
            kanava::init::run(&dir)?;
            eprintln!(
                "created a new site in {}; next: cd {} && kanava build",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audiences { root, format } => {
            let Some((site, _)) = load_clean(&root)? else {
                return Ok(ExitCode::from(1));
            };
            let m = kanava::report::matrix(&site);
            match format {
                MatrixFormat::Table => print!("{}", kanava::report::matrix_table(&m)),
                MatrixFormat::Csv => print!("{}", kanava::report::matrix_csv(&m)),
                MatrixFormat::Json => println!("{}", serde_json::to_string_pretty(&m)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            page,
            audience,
            root,
        } => {
            let Some((site, _)) = load_clean(&root)? else {
                return Ok(ExitCode::from(1));
            };
            match kanava::report::explain(&site, &page, &audience) {
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

fn clear_progress_line(options: &kanava::Options) {
    if options.progress.is_some() {
        eprint!("\r\x1b[2K");
    }
}

/// Loads the site for a report; prints diagnostics and returns `None` if it has errors.
fn load_clean(
    root: &std::path::Path,
) -> anyhow::Result<Option<(kanava::model::Site, diag::SourceMap)>> {
    let mut diags = Vec::new();
    let (site, sources) = kanava::load_site(root, &mut diags)?;
    diag::normalize(&mut diags);
    if diag::count_errors(&diags) > 0 {
        eprint!("{}", diag::render(&diags, &sources, Format::Human, color()));
        eprintln!("fix these errors first (or run `kanava check`)");
        return Ok(None);
    }
    Ok(site.map(|s| (s, sources)))
}

fn print_diagnostics(outcome: &kanava::Outcome, format: Format) {
    let text = diag::render(&outcome.diagnostics, &outcome.sources, format, color());
    if format == Format::Json {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
}
