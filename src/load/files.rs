//! What a reader is about to download (issue #14): a file's type, size and, for a PDF, its
//! page count, read once per build from the file itself.
//!
//! Only the PDF's cross-reference table, trailer and page tree are read (lopdf's metadata
//! load); content streams are never decoded. A PDF that cannot be read is still linked,
//! with its size, and the links to it get a warning (`check`).

use std::path::Path;

/// A file's type, size and pages, for decorated links ("PDF · 2.4 MB · 12 pages").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileInfo {
    /// The file's type as readers name it: its extension in capitals (`PDF`, `ZIP`).
    pub kind: String,
    pub bytes: u64,
    /// A PDF's page count.
    pub pages: Option<u32>,
    /// Why a PDF's pages could not be counted.
    pub unreadable: Option<String>,
}

impl FileInfo {
    /// `PDF · 2.4 MB · 12 pages`; `PNG · 812 KB`.
    pub fn label(&self) -> String {
        let mut out = format!("{} · {}", self.kind, size(self.bytes));
        if let Some(n) = self.pages {
            out.push_str(&format!(" · {n} page{}", if n == 1 { "" } else { "s" }));
        }
        out
    }
}

/// A size in decimal units, as file managers show it: `950 bytes`, `812 KB`, `2.4 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} byte{}", if bytes == 1 { "" } else { "s" }),
        1_000..1_000_000 => format!("{} KB", bytes.div_ceil(1_000)),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}

/// Reads what readers are told about the file at `path` (`name` gives its extension).
pub fn read(path: &Path, name: &str) -> FileInfo {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let kind = if ext.is_empty() || ext.len() > 5 {
        "File".to_owned()
    } else {
        ext.to_ascii_uppercase()
    };
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let (pages, unreadable) = if ext.eq_ignore_ascii_case("pdf") {
        match lopdf::Document::load_metadata(path) {
            Ok(meta) => (Some(meta.page_count), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    FileInfo {
        kind,
        bytes,
        pages,
        unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_labels() {
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(950), "950 bytes");
        assert_eq!(size(1_001), "2 KB");
        assert_eq!(size(812_000), "812 KB");
        assert_eq!(size(2_400_000), "2.4 MB");
        let pdf = FileInfo {
            kind: "PDF".into(),
            bytes: 2_400_000,
            pages: Some(12),
            unreadable: None,
        };
        assert_eq!(pdf.label(), "PDF · 2.4 MB · 12 pages");
        let one = FileInfo {
            pages: Some(1),
            ..pdf
        };
        assert_eq!(one.label(), "PDF · 2.4 MB · 1 page");
    }

    #[test]
    fn a_pdf_that_is_not_one_is_unreadable_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.pdf");
        std::fs::write(&path, b"%PDF-1.4\nthis is not a PDF\n").unwrap();
        let info = read(&path, "broken.pdf");
        assert_eq!(
            (info.kind.as_str(), info.bytes, info.pages),
            ("PDF", 27, None)
        );
        assert!(info.unreadable.is_some());
    }
}
