//! Rule `unreadable-pdf` (warning): a link to a PDF whose pages could not be counted. The
//! link still works and shows the file's size; the warning says why the pages are missing
//! (a damaged or encrypted file, or one that is not a PDF at all).

use crate::diag::Diagnostic;
use crate::markdown::LinkTarget;
use crate::model::Site;

pub fn check(site: &Site, diags: &mut Vec<Diagnostic>) {
    for page in &site.pages {
        let links = page.doc.fragments.iter().flat_map(|f| &f.links);
        // A product's datasheet is an attachment of its page.
        for link in links.chain(&page.doc.attachments) {
            let LinkTarget::Asset(a) = link.target else {
                continue;
            };
            let asset = &site.assets[a];
            let Some(why) = &asset.info.unreadable else {
                continue;
            };
            diags.push(
                Diagnostic::warning(
                    "unreadable-pdf",
                    format!("`{}` could not be read as a PDF: {why}", asset.path),
                )
                .at(page.display_path(), link.pos)
                .len(link.dest.chars().count().max(1))
                .help("the link works and shows the file's size, but not its pages; check that the file opens in a PDF reader, or export it again"),
            );
        }
    }
}
