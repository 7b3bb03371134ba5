//! Screenshots for people to review, and layout checks.

use std::path::PathBuf;

use crate::*;

/// Home, a guide, a product and search results at phone and desktop widths, for review.
pub fn screenshots_for_review(path: PathBuf) {
    let site = demo();
    let base = serve(&site.out());
    let chrome = launch(path);
    for (device, width, height) in [("phone", 390, 844), ("desktop", 1366, 900)] {
        let home = chrome.open(&format!("{base}gold/"), width, height);
        screenshot(&home, &format!("home-{device}"));
        let product = chrome.open(
            &format!("{base}gold/catalog/air-to-water/hp-12/"),
            width,
            height,
        );
        screenshot(&product, &format!("product-{device}"));
        let guide = chrome.open(&format!("{base}gold/ordering/delivery/"), width, height);
        screenshot(&guide, &format!("guide-{device}"));
        if width < 600 {
            // Phones: the search icon opens the box over the header.
            guide
                .find_element(".search-link")
                .expect("search icon")
                .click()
                .expect("tap");
            wait_for(
                &guide,
                "document.activeElement === document.querySelector('.search-input')",
                5,
            );
            guide.type_str("warranty").expect("type");
            wait_for(
                &guide,
                "document.querySelectorAll('.search-result').length > 0",
                15,
            );
        } else {
            search(&guide, "warranty");
        }
        guide.press_key("ArrowDown").expect("↓");
        screenshot(&guide, &format!("search-{device}"));
    }
}
