//! The site as a host serves it: the 404 page at any depth.

use std::path::PathBuf;

use crate::*;

/// Issue #13: without `base_url`, the 404 page served for a missing address deep inside an
/// audience's site still loads its styles and links into that audience's site.
pub fn the_404_page_works_at_any_depth_without_base_url(path: PathBuf) {
    let site = fixture();
    let base = serve(&site.out());
    let chrome = launch(path);
    for missing in ["gold/nowhere", "gold/ordering/no/such/page/"] {
        let tab = chrome.open(&format!("{base}{missing}"), 1366, 900);
        assert_eq!(
            eval(&tab, "document.querySelector('h1').textContent"),
            "Page not found"
        );
        // The stylesheet loaded (its rules apply), and links lead into gold's site.
        assert_eq!(
            eval(
                &tab,
                "[...document.styleSheets].some(s => s.href.endsWith('/gold/_kanava/style.css') && s.cssRules.length > 0)"
            ),
            true,
            "{missing}"
        );
        assert_eq!(
            eval(&tab, "document.querySelector('.notfound a.button').href"),
            format!("{base}gold/")
        );
        assert_eq!(
            eval(
                &tab,
                "[...document.querySelectorAll('.sidebar a')].every(a => a.href.startsWith(location.origin + '/gold/'))"
            ),
            true
        );
        // The skip link stays on this page.
        eval(&tab, "document.querySelector('.skip-link').click(), true");
        wait_for(&tab, "location.hash === '#main'", 5);
        assert!(
            eval(&tab, "location.pathname")
                .as_str()
                .unwrap_or("")
                .contains(missing.trim_end_matches('/'))
        );
    }
}
