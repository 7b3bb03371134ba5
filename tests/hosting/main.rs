//! Hosting tests (issue 16): real nginx and Apache on 127.0.0.1, each started by the test
//! in a temporary prefix of its own and stopped when the test ends, serving a site with an
//! access configuration, then checked over HTTP — by hand (`selftest.rs`, which proves the
//! harness and the misconfigurations the issue describes are real) and by `kanava probe`
//! against the configuration `kanava deploy-config` generates (`e2e.rs`).
//!
//! The servers come from Debian's packages (`apt-get install -y nginx apache2
//! apache2-utils`): `/usr/sbin/nginx`, `/usr/sbin/apache2` with its modules in
//! `/usr/lib/apache2/modules`, and `htpasswd`. They are run directly with a configuration
//! written for the test (never `/etc/nginx/nginx.conf`, `/etc/apache2/` or `apache2ctl`), so
//! nothing outside the prefix is read or written but Debian's MIME type lists. Started as
//! root, their workers switch to `www-data` as on a Debian server, so a file the server
//! must read has to be readable by that user there too (`servers::temp_dir`).
//!
//! Without a server the tests that need it are reported as **ignored** (this file has its
//! own `main`, libtest-mimic, so that "skipped" is never counted as "passed") — unless
//! `KANAVA_HOSTING_TESTS=require` (set by `.ci/run`), which makes them fail instead, saying
//! what is missing.

use std::path::Path;

mod e2e;
mod http;
mod selftest;
mod servers;

const NGINX: &str = "/usr/sbin/nginx";
const APACHE: &str = "/usr/sbin/apache2";
const APACHE_MODULES: &str = "/usr/lib/apache2/modules";
const HTPASSWD: &str = "/usr/bin/htpasswd";

/// What a hosting test needs installed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Nginx,
    /// `apache2` and the modules `servers::Apache` loads.
    Apache,
    /// Apache's `htpasswd`, for tests that write their own password files.
    Htpasswd,
}

impl Tool {
    /// `Ok` if the tool is installed, or why the tests needing it cannot run.
    fn check(self) -> Result<(), String> {
        let paths: Vec<String> = match self {
            Tool::Nginx => vec![NGINX.to_owned()],
            Tool::Htpasswd => vec![HTPASSWD.to_owned()],
            Tool::Apache => std::iter::once(APACHE.to_owned())
                .chain(
                    servers::APACHE_MODULES_LOADED
                        .iter()
                        .map(|(_, file)| format!("{APACHE_MODULES}/{file}")),
                )
                .collect(),
        };
        let missing = paths.iter().find(|p| !Path::new(p).exists());
        match missing {
            None => Ok(()),
            Some(path) => Err(format!(
                "{path} not found: install the web servers to run the hosting tests \
                 (`sudo apt-get install -y nginx apache2 apache2-utils`)"
            )),
        }
    }
}

/// A hosting test: its name, the test, and what it needs installed.
type HostingTest = (&'static str, fn(), &'static [Tool]);

const TESTS: &[HostingTest] = &[
    // ---- the harness and the servers' own behaviour (selftest.rs)
    (
        "nginx_caret_tilde_location_asks_every_file_for_the_password",
        selftest::nginx_caret_tilde_location_asks_every_file_for_the_password,
        &[Tool::Nginx, Tool::Htpasswd],
    ),
    (
        "planted_nginx_plain_location_is_bypassed_by_a_regex_location",
        selftest::planted_nginx_plain_location_is_bypassed_by_a_regex_location,
        &[Tool::Nginx, Tool::Htpasswd],
    ),
    (
        "nginx_server_level_dotfile_rule_does_not_reach_into_a_caret_tilde_location",
        selftest::nginx_server_level_dotfile_rule_does_not_reach_into_a_caret_tilde_location,
        &[Tool::Nginx, Tool::Htpasswd],
    ),
    (
        "apache_htaccess_works_with_allow_override_auth_config_options_indexes",
        selftest::apache_htaccess_works_with_allow_override_auth_config_options_indexes,
        &[Tool::Apache, Tool::Htpasswd],
    ),
    (
        "planted_apache_allow_override_none_makes_htaccess_inert_and_lists_folders",
        selftest::planted_apache_allow_override_none_makes_htaccess_inert_and_lists_folders,
        &[Tool::Apache, Tool::Htpasswd],
    ),
    (
        "apache_allow_override_auth_config_alone_fails_closed_on_options",
        selftest::apache_allow_override_auth_config_alone_fails_closed_on_options,
        &[Tool::Apache, Tool::Htpasswd],
    ),
    (
        "apache_directory_block_protects_without_allow_override",
        selftest::apache_directory_block_protects_without_allow_override,
        &[Tool::Apache, Tool::Htpasswd],
    ),
    (
        "a_dropped_server_stops_listening",
        selftest::a_dropped_server_stops_listening,
        &[Tool::Nginx, Tool::Apache],
    ),
    (
        "a_server_that_cannot_start_says_why",
        selftest::a_server_that_cannot_start_says_why,
        &[Tool::Nginx, Tool::Apache],
    ),
    // ---- kanava deploy-config and kanava probe against real servers (e2e.rs)
    (
        "nginx_generated_config_passes_the_probe",
        e2e::nginx_generated_config_passes_the_probe,
        &[Tool::Nginx],
    ),
    (
        "planted_nginx_plain_locations_with_a_regex_location_fail_the_probe",
        e2e::planted_nginx_plain_locations_with_a_regex_location_fail_the_probe,
        &[Tool::Nginx],
    ),
    (
        "apache_generated_directory_blocks_pass_the_probe",
        e2e::apache_generated_directory_blocks_pass_the_probe,
        &[Tool::Apache],
    ),
    (
        "apache_generated_htaccess_with_allow_override_passes_the_probe",
        e2e::apache_generated_htaccess_with_allow_override_passes_the_probe,
        &[Tool::Apache],
    ),
    (
        "planted_apache_htaccess_with_allow_override_none_fails_the_probe",
        e2e::planted_apache_htaccess_with_allow_override_none_fails_the_probe,
        &[Tool::Apache],
    ),
    (
        "nginx_and_apache_read_sha512_crypt_hashes",
        e2e::nginx_and_apache_read_sha512_crypt_hashes,
        &[Tool::Nginx, Tool::Apache],
    ),
];

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let required = std::env::var("KANAVA_HOSTING_TESTS").is_ok_and(|v| v == "require");
    let tools = [Tool::Nginx, Tool::Apache, Tool::Htpasswd].map(|tool| (tool, tool.check()));
    if !required {
        for (_, why) in &tools {
            if let Err(why) = why {
                eprintln!(
                    "\n*** hosting tests: {why}; the tests needing it are reported as ignored.\n"
                );
            }
        }
    }
    let trials = TESTS
        .iter()
        .map(|&(name, test, needs)| {
            let missing = needs.iter().find_map(|need| {
                tools
                    .iter()
                    .find(|(tool, _)| tool == need)
                    .and_then(|(_, found)| found.clone().err())
            });
            let ignored = missing.is_some() && !required;
            libtest_mimic::Trial::test(name, move || match missing {
                None => {
                    test();
                    Ok(())
                }
                // Reached when required, or run with --ignored: a missing server fails the
                // test, saying why.
                Some(why) if required => {
                    Err(format!("KANAVA_HOSTING_TESTS=require, but {why}").into())
                }
                Some(why) => Err(why.into()),
            })
            .with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
