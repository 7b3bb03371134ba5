//! Apache: `.htaccess` per audience folder (for hosts where only those can be changed), and
//! the same rules as `<Directory>` blocks for the server configuration (for servers with
//! `AllowOverride None`, Debian's default, where an `.htaccess` is silently ignored).

use anyhow::Result;

use super::{Deployment, Generated, Target, header, quoted};

pub const CONF: &str = "kanava-apache.conf";

pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut g = Generated::default();
    let mut conf = header(d, "#");
    conf.push_str(&format!(
        "#
# Include from the <VirtualHost> whose DocumentRoot is the publish folder
# ({docroot}):
#     Include {out}/{CONF}
# Use this file where you can change the server's configuration: it works whatever
# `AllowOverride` says. Where you cannot, copy `htaccess/<audience>/.htaccess` into the
# publish folder (`htaccess/.htaccess` into the folder itself) instead; they need
# `AllowOverride AuthConfig Options=Indexes` (or more) there, or Apache ignores them and
# serves every folder to anyone.
# A `<Location>` elsewhere with `Require all granted` overrides these: do not add one
# that covers an audience's folder.

<Directory {root}>
    Options -Indexes
    # Dotfiles (kanava's `.kanava-output` marker, `.htaccess`, `.git`): never served.
    <FilesMatch \"^\\.\">
        Require all denied
    </FilesMatch>
</Directory>
",
        docroot = d.docroot,
        out = d.request.out.display(),
        root = quoted(&d.docroot),
    ));
    let configured = d.configured;
    for t in &d.targets {
        let dir = if configured {
            format!("{}/{}", d.docroot, t.name)
        } else {
            d.docroot.clone()
        };
        conf.push_str(&format!(
            "\n# {}: {}\n<Directory {}>\n",
            t.name,
            t.title,
            quoted(&dir)
        ));
        for line in rules(d, t) {
            conf.push_str(&format!("    {line}\n"));
        }
        conf.push_str("</Directory>\n");
        let mut htaccess = header(d, "#");
        htaccess.push_str(&format!(
            "#\n# Copy into the publish folder's `{}` folder (as `.htaccess`). Needs `AllowOverride\n\
             # AuthConfig Options=Indexes` for it: with `AllowOverride None` Apache ignores this file.\n\n",
            if configured { t.name.as_str() } else { "top" }
        ));
        for line in rules(d, t) {
            htaccess.push_str(&line);
            htaccess.push('\n');
        }
        htaccess.push_str("<FilesMatch \"^\\.\">\n    Require all denied\n</FilesMatch>\n");
        let at = if configured {
            format!("htaccess/{}/.htaccess", t.name)
        } else {
            "htaccess/.htaccess".into()
        };
        g.file(at, htaccess);
        if t.public.is_none() {
            g.secret(format!("htpasswd/{}.htpasswd", t.name), d.htpasswd(t)?);
        }
    }
    if configured {
        // The publish folder's own: kanava's dotfiles there (`.kanava-output`) and listings.
        let mut root = header(d, "#");
        root.push_str(
            "#\n# Copy into the publish folder itself (as `.htaccess`), beside the audiences' folders.\n\n\
             Options -Indexes\n<FilesMatch \"^\\.\">\n    Require all denied\n</FilesMatch>\n",
        );
        g.file("htaccess/.htaccess", root);
    }
    g.file(CONF, conf);
    g.next_steps.push(format!(
        "copy the htpasswd files to {} on the server (readable by Apache's user, outside the DocumentRoot)",
        d.secrets_dir
    ));
    g.next_steps.push(format!(
        "either `Include …/{CONF}` in the site's <VirtualHost> (recommended), or copy htaccess/ over the publish folder where `AllowOverride AuthConfig Options=Indexes` is set; then `apachectl configtest && apachectl graceful`"
    ));
    Ok(g)
}

/// The directives of `t`'s folder, the same in `<Directory>` and `.htaccess`.
fn rules(d: &Deployment, t: &Target) -> Vec<String> {
    let mut lines = Vec::new();
    if t.public.is_none() {
        lines.push("AuthType Basic".to_owned());
        lines.push(format!("AuthName {}", quoted(&t.title)));
        lines.push(format!("AuthUserFile {}", quoted(&d.htpasswd_path(t))));
        // Named users, and the audience's own file: a mistaken AuthUserFile still cannot
        // let another audience's users in by a name this audience does not have.
        let names: Vec<&str> = t.users.iter().map(|u| u.name.as_str()).collect();
        lines.push(format!("Require user {}", names.join(" ")));
    } else {
        lines.push("Require all granted".to_owned());
    }
    lines.push("Options -Indexes".to_owned());
    lines
}
