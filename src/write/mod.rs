//! Write: where rendered files go. A [`Destination`] gives each view a [`Sink`], which
//! takes files by view-relative path: [`Staging`] writes to a temporary folder beside the
//! output and swaps it in atomically at the end (a failed or interrupted build leaves the
//! previous output untouched); [`Memory`] keeps files in memory (a dev server, tests);
//! [`Discard`] throws them away (for `kanava check`).
//! [`Output`] decides whether a folder may be an output at all, and locks it (issue #12).

pub mod encrypted;
mod live;
pub mod output;
pub mod stamp;

pub use live::Live;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Result;

use crate::fs;
pub use output::Output;

/// Stores `kanava build`'s document cache in `file` (`load::cache_file`), replacing the last
/// one atomically and readable by its owner only (it holds every audience's text:
/// `fs::replace`). A folder made for it is marked as a cache (`CACHEDIR.TAG`), so backup
/// tools leave it out; one that was there before (`KANAVA_CACHE_DIR=$HOME`, say) is not.
pub fn keep_cache(
    file: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    if !dir.exists() {
        fs::write(
            &dir.join("CACHEDIR.TAG"),
            b"Signature: 8a477f597d28d172789f06886806bc55\n# kanava's cache of parsed pages (https://bford.info/cachedir/)\n",
        )?;
    }
    fs::replace(file, false, write)
}

pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    fn copy(&self, path: &str, from: &Path) -> Result<()>;
    /// True when everything written is thrown away (`check`): lets rendering stop at one
    /// page of each kind (templates, not pages, make template errors).
    fn discards(&self) -> bool {
        false
    }
}

/// Discards everything: `check` renders a page of each kind in every view (so template
/// errors are found) and writes nothing.
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<()> {
        Ok(())
    }
    fn copy(&self, _: &str, _: &Path) -> Result<()> {
        Ok(())
    }
    fn discards(&self) -> bool {
        true
    }
}

/// Where a build's views go, each into a folder of its own (`""` for a site without
/// audiences). `lib.rs::build_into` writes into any destination.
pub trait Destination: Sync {
    fn view(&self, folder: &str) -> Box<dyn Sink + Send>;
}

impl Sink for Box<dyn Sink + Send> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        (**self).write(path, bytes)
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        (**self).copy(path, from)
    }
    fn discards(&self) -> bool {
        (**self).discards()
    }
}

impl Destination for Staging {
    fn view(&self, folder: &str) -> Box<dyn Sink + Send> {
        Box::new(self.sink(folder))
    }
}

/// Every view into [`NullSink`] (`check`).
pub struct Discard;

impl Destination for Discard {
    fn view(&self, _: &str) -> Box<dyn Sink + Send> {
        Box::new(NullSink)
    }
}

/// Files in memory, by path inside the output (`gold/index.html`): what tests compare with
/// a build on disk (the dev server has its own, `serve::Live`).
#[derive(Default, Clone)]
pub struct Memory {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl Memory {
    /// A copy of every file written so far.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.files.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

impl Destination for Memory {
    fn view(&self, folder: &str) -> Box<dyn Sink + Send> {
        Box::new(MemorySink {
            prefix: folder_prefix(folder),
            files: Arc::clone(&self.files),
        })
    }
}

/// What a view's file paths start with in a destination holding every view: `gold/`, or
/// nothing for the site's root.
fn folder_prefix(folder: &str) -> String {
    if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    }
}

struct MemorySink {
    prefix: String,
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| anyhow::anyhow!("a writer to memory panicked"))?;
        files.insert(format!("{}{path}", self.prefix), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        self.write(path, &fs::read(from)?)
    }
}

/// A folder being filled; becomes the output only on [`Staging::commit`].
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    notice: Option<crate::Progress>,
}

/// Tells staging folders of concurrent builds in one process apart (`--out` is locked, but
/// names that cannot collide do not depend on it).
static STAGED: AtomicU64 = AtomicU64::new(0);

impl Staging {
    /// Starts a fresh staging folder next to the output (same file system, so the swap is a
    /// rename), named for this process and build: `.<out>.kanava-tmp-<pid>-<n>`. The output
    /// is locked and earlier builds' leftovers are gone (see [`Output::open`]).
    pub fn begin(output: &Output) -> Result<Staging> {
        let out = output.path().to_owned();
        let tmp = unique_sibling(&out, "tmp");
        fs::create_dir_all(&tmp)?;
        output::mark(&tmp)?;
        Ok(Staging {
            out,
            tmp,
            notice: output.notice(),
        })
    }

    /// A sink writing into `<staging>/<prefix>` (prefix: the audience folder, or empty).
    pub fn sink(&self, prefix: &str) -> DirSink {
        DirSink {
            dir: if prefix.is_empty() {
                self.tmp.clone()
            } else {
                self.tmp.join(prefix)
            },
        }
    }

    /// Replaces the whole output folder with the staged one: the old output is moved aside,
    /// the new one moved in, then the old one deleted. If a move fails, the old output is
    /// put back and the staged files removed, so the output is either all old or all new.
    /// An old output that cannot be deleted (read-only files, say) does not fail the build
    /// once the new one is in place: it is reported and the next build removes it (#12).
    pub fn commit(self) -> Result<()> {
        let old = unique_sibling(&self.out, "old");
        let had_output = std::fs::symlink_metadata(&self.out).is_ok();
        if had_output && let Err(e) = fs::rename(&self.out, &old) {
            self.discard();
            return Err(e.context("the previous output was left as it was"));
        }
        if let Err(e) = fs::rename(&self.tmp, &self.out) {
            let restored = !had_output || fs::rename(&old, &self.out).is_ok();
            self.discard();
            return Err(if restored {
                e.context("the previous output was left as it was")
            } else {
                e.context(format!(
                    "the previous output could not be put back: it is in `{}`",
                    old.display()
                ))
            });
        }
        if let Err(e) = fs::remove_tree(&old) {
            self.tell_leftover(&old, &e);
        }
        Ok(())
    }

    /// Replaces only the given sub-folders of the output (`--audience` builds), keeping the
    /// others as they are. Each old folder is moved into the staging folder (so whatever
    /// cannot be deleted is a leftover the next build removes, never part of the output);
    /// if a move fails, every folder already swapped is put back.
    pub fn commit_parts(self, parts: &[&str]) -> Result<()> {
        let aside = self.tmp.join(".kanava-old");
        let swapped = fs::create_dir_all(&self.out)
            .and_then(|()| output::mark(&self.out))
            .and_then(|()| fs::create_dir_all(&aside))
            .and_then(|()| self.swap_parts(parts, &aside));
        if let Err(e) = swapped {
            self.discard();
            return Err(e);
        }
        if let Err(e) = fs::remove_tree(&self.tmp) {
            self.tell_leftover(&self.tmp, &e);
        }
        Ok(())
    }

    fn swap_parts(&self, parts: &[&str], aside: &Path) -> Result<()> {
        // (part, whether an old folder was moved aside)
        let mut done: Vec<(&str, bool)> = Vec::new();
        for &part in parts {
            let target = self.out.join(part);
            let had = std::fs::symlink_metadata(&target).is_ok();
            let moved = (if had {
                fs::rename(&target, &aside.join(part))
            } else {
                Ok(())
            })
            .and_then(|()| {
                fs::rename(&self.tmp.join(part), &target).inspect_err(|_| {
                    if had {
                        let _ = fs::rename(&aside.join(part), &target);
                    }
                })
            });
            if let Err(e) = moved {
                // Put back what was already swapped: the new folder back into staging, the
                // old one back into the output.
                for &(part, had) in done.iter().rev() {
                    let target = self.out.join(part);
                    let _ = fs::rename(&target, &self.tmp.join(part));
                    if had {
                        let _ = fs::rename(&aside.join(part), &target);
                    }
                }
                return Err(e.context("the previous output was left as it was"));
            }
            done.push((part, had));
        }
        Ok(())
    }

    /// Throws the staged files away; the previous output is untouched. What cannot be
    /// removed is reported; the next build removes it (a failed build must not fail twice).
    pub fn abandon(self) {
        if let Err(e) = fs::remove_tree(&self.tmp) {
            self.tell_leftover(&self.tmp, &e);
        }
    }

    /// Removes the staged files after a failure that is already being reported; what cannot
    /// be removed now, the next build removes.
    fn discard(&self) {
        let _ = fs::remove_tree(&self.tmp);
    }

    fn tell_leftover(&self, path: &Path, e: &anyhow::Error) {
        if let Some(notice) = &self.notice {
            notice(&format!(
                "warning: `{}` could not be removed ({e:#}); it is not part of the output, \
                 and the next build tries again",
                path.display()
            ));
        }
    }
}

pub(crate) fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()?.join(path)
    })
}

/// `public` → `.public.kanava-<what>` in the same folder.
pub(crate) fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.kanava-{what}"))
}

/// `public` → `.public.kanava-<what>-<pid>-<n>`: a name no other build uses (issue #12: two
/// builds into one output shared one staging folder and published a half-written site).
fn unique_sibling(path: &Path, what: &str) -> PathBuf {
    let n = STAGED.fetch_add(1, Ordering::Relaxed);
    let mut name = sibling(path, what).into_os_string();
    name.push(format!("-{}-{n}", std::process::id()));
    PathBuf::from(name)
}

pub struct DirSink {
    dir: PathBuf,
}

impl DirSink {
    fn target(&self, path: &str) -> PathBuf {
        // Paths come from the model (never `..`), but refuse anything odd all the same.
        let mut p = self.dir.clone();
        for part in path
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        {
            p.push(part);
        }
        p
    }
}

/// The build-time guard's last line (issue #16): `model` and the theme's loader report such
/// files with their source; a file that reaches the writer anyway fails the build here.
fn refuse_secret(path: &str) -> Result<()> {
    match crate::model::hosting::secret_file(path) {
        Some(what) => Err(anyhow::anyhow!(
            "refusing to publish `{path}`: it is {what} (docs/hosting.md)"
        )),
        None => Ok(()),
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        refuse_secret(path)?;
        fs::write(&self.target(path), bytes)
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        refuse_secret(path)?;
        fs::copy(from, &self.target(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site root and a previous output `out/` holding `files`.
    fn setup(files: &[(&str, &str)]) -> (tempfile::TempDir, Output) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        let out = dir.path().join("out");
        for (path, text) in files {
            fs::write(&out.join(path), text.as_bytes()).unwrap();
        }
        output::mark(&out).unwrap();
        let output = Output::open(&out, &dir.path().join("site"), &[], false, None).unwrap();
        (dir, output)
    }

    /// Everything beside the output: a failed swap leaves nothing behind.
    fn beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "site")
            .collect();
        names.sort();
        names
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// Issue #12: when the new output cannot be moved in, the old one is put back.
    #[test]
    fn a_failed_swap_puts_the_old_output_back() {
        let (dir, output) = setup(&[("index.html", "old")]);
        let staging = Staging::begin(&output).unwrap();
        staging.sink("").write("index.html", b"new").unwrap();
        // The staged folder vanishes (a disk fault, another program) before the swap.
        fs::remove_tree(&staging.tmp).unwrap();
        let err = staging.commit().unwrap_err();
        assert!(format!("{err:#}").contains("left as it was"), "{err:#}");
        assert_eq!(read(dir.path().join("out/index.html")), "old");
        assert_eq!(beside(dir.path()), ["out"]);
    }

    /// The same for `--audience` builds: folders already swapped are swapped back.
    #[test]
    fn a_failed_partial_swap_puts_every_folder_back() {
        let (dir, output) = setup(&[("a/index.html", "old a"), ("b/index.html", "old b")]);
        let staging = Staging::begin(&output).unwrap();
        staging.sink("a").write("index.html", b"new a").unwrap();
        // `b` was never staged: its move fails after `a` was swapped.
        let err = staging.commit_parts(&["a", "b"]).unwrap_err();
        assert!(format!("{err:#}").contains("left as it was"), "{err:#}");
        assert_eq!(read(dir.path().join("out/a/index.html")), "old a");
        assert_eq!(read(dir.path().join("out/b/index.html")), "old b");
        assert_eq!(beside(dir.path()), ["out"]);
    }

    #[test]
    fn a_swap_replaces_the_whole_output_and_leaves_nothing_beside_it() {
        let (dir, output) = setup(&[("index.html", "old"), ("gone.html", "old")]);
        let staging = Staging::begin(&output).unwrap();
        staging.sink("").write("index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(read(dir.path().join("out/index.html")), "new");
        assert!(!dir.path().join("out/gone.html").exists());
        assert!(dir.path().join("out").join(output::MARKER).is_file());
        assert_eq!(beside(dir.path()), ["out"]);
    }
}
