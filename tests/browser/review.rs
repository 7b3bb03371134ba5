//! Screenshots for people to review: every kind of page of the demo at a phone's, a
//! tablet's and a laptop's width, written to `target/screenshots/<page>-<width>.png`.

use std::path::{Path, PathBuf};

use base64::Engine;
use headless_chrome::protocol::cdp::Page;

use crate::layout::{FRAMES, WIDTHS, each_page, tab};
use crate::*;

/// The widths of the screenshot set.
const SHOT_WIDTHS: &[u32] = &[390, 820, 1366];

/// Screenshots are of the whole page, down to this height (CSS px): enough to see the tables
/// of a price list or a category without megabytes of PNG for the list of all pages.
const MAX_HEIGHT: f64 = 3000.0;

/// Every kind of page at 390, 820 and 1366 px (issue #13), replacing the previous set.
pub fn screenshots_for_review(path: PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    if let Ok(old) = std::fs::read_dir(&dir) {
        for file in old.flatten() {
            if file.path().extension().is_some_and(|e| e == "png") {
                let _ = std::fs::remove_file(file.path());
            }
        }
    }
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let sizes: Vec<(u32, u32)> = WIDTHS
        .iter()
        .copied()
        .filter(|(w, _)| SHOT_WIDTHS.contains(w))
        .collect();
    each_page(&tab, &base, &sizes, |page, width| {
        let height = sizes.iter().find(|s| s.0 == width).map_or(900, |s| s.1);
        // The search results float over the page: the screen as the reader sees it.
        let full = page != "search";
        // Images below the fold load lazily, as the reader scrolls: loaded now, or the
        // whole-page screenshot shows empty frames where a reader sees thumbnails.
        let page_height = eval(
            &tab,
            &format!(
                "(async () => {{
                    for (const i of document.querySelectorAll('img[loading=lazy]')) i.loading = 'eager';
                    await Promise.all([...document.images].map(i => i.decode().catch(() => {{}})));
                    {FRAMES} return document.documentElement.scrollHeight; }})()"
            ),
        )
        .as_f64()
        .unwrap_or(f64::from(height));
        let clip = Page::Viewport {
            x: 0.0,
            y: 0.0,
            width: f64::from(width),
            height: if full {
                page_height.min(MAX_HEIGHT)
            } else {
                f64::from(height)
            },
            scale: 1.0,
        };
        let png = tab
            .call_method(Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: Some(clip),
                from_surface: Some(true),
                capture_beyond_viewport: Some(full),
                optimize_for_speed: None,
            })
            .expect("screenshot")
            .data;
        let png = base64::prelude::BASE64_STANDARD
            .decode(png)
            .expect("screenshot is base64");
        std::fs::create_dir_all(&dir).expect("screenshots dir");
        std::fs::write(dir.join(format!("{page}-{width}.png")), png).expect("write screenshot");
    });
}
