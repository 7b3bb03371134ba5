//! `kanava init DIR`: a small working site — config, a home page, a section with two pages,
//! a `.gitignore` for the output — that builds cleanly, so a new user starts from something
//! that works.

use std::path::Path;

use anyhow::{Result, bail};

const FILES: &[(&str, &str)] = &[
    (
        ".gitignore",
        "# kanava's output: built by CI, never committed.
/public/
# Access configuration and password hashes from `kanava deploy-config`, and users files:
# secrets, never committed (docs/hosting.md).
/deploy/
users.csv
users.yaml
",
    ),
    (
        "kanava.yaml",
        "title: Partner Extranet
description: Everything our resellers need to sell, install and support our products.
# base_url: https://partners.example.com/   # used for the sitemap and canonical links

# Uncomment to build one site per partner audience (see the README):
# audience:
#   axes:
#     tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
#     role: { values: [sales, technical, marketing] }
#   audiences:
#     registered: { tier: registered, title: Registered partner }
#     silver:     { tier: silver, role: [sales, technical], title: Silver partner }
#     gold:       { tier: gold, role: [sales, technical, marketing], title: Gold partner }
#     staff:      { all: true, title: Staff }
#     # A public site shows only pages marked `tier: public`, and the home page, which is
#     # in every site: put its links to other pages in a `::: only tier=registered` block.
#     # public:   { tier: public, title: Public }
",
    ),
    (
        "content/_index.md",
        "---
title: Welcome, partner
description: Start here.
---

This is the home page of your partner extranet. Read the [getting started guide](guides/getting-started.md)
first, then the [ordering basics](guides/ordering.md).
",
    ),
    (
        "content/guides/_index.md",
        "---
title: Guides
description: How to work with us.
weight: 10
---

Practical guides for our partners.
",
    ),
    (
        "content/guides/getting-started.md",
        "---
title: Getting started
description: Your first week as a partner.
weight: 10
tags: [onboarding]
---

## Your first week

- [ ] Bookmark this extranet
- [ ] Read the [ordering basics](ordering.md#placing-an-order)
- [ ] Book your product training

> [!TIP]
> Pages are Markdown files in `content/`. Run `kanava build` and open `public/index.html`.
",
    ),
    (
        "content/guides/ordering.md",
        "---
title: Ordering basics
description: How to place and track an order.
weight: 20
tags: [ordering]
---

## Placing an order

Orders received by 14:00 ship the next working day.

| Order received | Ships |
| --- | --- |
| Mon–Thu before 14:00 | next working day |
| Fri before 14:00 | Monday |
",
    ),
];

pub fn run(dir: &Path) -> Result<()> {
    if dir.join("kanava.yaml").exists() || dir.join("content").exists() {
        bail!(
            "`{}` already holds a site (kanava.yaml or content/); choose an empty folder",
            dir.display()
        );
    }
    for (path, text) in FILES {
        // A repository's own `.gitignore` is left as it is.
        if *path == ".gitignore" && dir.join(path).exists() {
            continue;
        }
        crate::fs::write(&dir.join(path), text.as_bytes())?;
    }
    Ok(())
}
