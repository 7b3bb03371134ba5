//! nginx: an `include`-able snippet with one `location ^~ /<audience>/` per audience, and
//! an htpasswd file per protected audience.

use anyhow::Result;

use super::{Deployment, Generated, header, quoted};

pub const SNIPPET: &str = "kanava-nginx.conf";

pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut g = Generated::default();
    let mut conf = header(d, "#");
    conf.push_str(&format!(
        "#
# Include inside the `server {{ }}` block whose `root` is the publish folder:
#     root {docroot};
#     include {out}/{SNIPPET};
#
# Each audience gets a `location ^~ /<audience>/`. The `^~` makes nginx choose it over any
# regex location: with a plain `location /gold/`, a `location ~* \\.(pdf|png)$` elsewhere in
# the server serves /gold/prices.pdf without a sign-in. Regex locations *inside* it still
# apply, which is how dotfiles stay hidden there. Do not add another location that matches
# an audience's folder.

# Dotfiles elsewhere (kanava's `.kanava-output` marker, `.git`): never served.
location ~ /\\. {{
    deny all;
}}
",
        docroot = d.docroot,
        out = d.request.out.display(),
    ));
    for t in &d.targets {
        conf.push('\n');
        match t.public {
            Some(_) => conf.push_str(&format!("# {}: {} — open to anyone\n", t.name, t.title)),
            None => conf.push_str(&format!(
                "# {}: {} — {} user{}\n",
                t.name,
                t.title,
                t.users.len(),
                if t.users.len() == 1 { "" } else { "s" }
            )),
        }
        conf.push_str(&format!("location ^~ {} {{\n", t.path));
        if t.public.is_none() {
            conf.push_str(&format!(
                "    auth_basic {};\n    auth_basic_user_file {};\n",
                quoted(&t.title),
                quoted(&d.htpasswd_path(t))
            ));
            g.secret(format!("htpasswd/{}.htpasswd", t.name), d.htpasswd(t)?);
        }
        conf.push_str(&format!(
            "    autoindex off;\n    error_page 404 {}404.html;\n    location ~ /\\. {{\n        deny all;\n    }}\n}}\n",
            t.path
        ));
    }
    g.file(SNIPPET, conf);
    g.next_steps.push(format!(
        "copy the htpasswd files to {} on the server (readable by nginx's worker user, not by the web)",
        d.secrets_dir
    ));
    g.next_steps.push(format!(
        "add `include …/{SNIPPET};` inside the server block whose root is {}, then `nginx -t && nginx -s reload`",
        d.docroot
    ));
    Ok(g)
}
