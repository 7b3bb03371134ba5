//! [`Live`]: the files of a build that is running, for `kanava serve` to answer from while
//! the build writes them (issue 19).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::Result;

use super::{Destination, Sink};

/// The files of a running build, as it writes them: a request for one not written yet
/// waits for it (or for the end of the build). The build starts writing only once its
/// checks passed, and a build's files are the same in whatever order they come.
pub struct Live {
    files: Mutex<LiveFiles>,
    written: Condvar,
    /// Called once, when the build writes its first file (it passed its checks).
    on_start: Mutex<Option<OnStart>>,
    this: std::sync::Weak<Live>,
}

type OnStart = Box<dyn FnOnce(Arc<Live>) + Send>;

#[derive(Default)]
struct LiveFiles {
    files: BTreeMap<String, Vec<u8>>,
    started: bool,
    done: bool,
}

/// How long a request waits for a file of the running build.
const LIVE_WAIT: Duration = Duration::from_secs(60);

impl Live {
    pub fn new(on_start: impl FnOnce(Arc<Live>) + Send + 'static) -> Arc<Live> {
        Arc::new_cyclic(|this| Live {
            files: Mutex::default(),
            written: Condvar::new(),
            on_start: Mutex::new(Some(Box::new(on_start))),
            this: this.clone(),
        })
    }

    pub fn started(&self) -> bool {
        self.files.lock().is_ok_and(|f| f.started)
    }

    /// `name`'s bytes once the build wrote it; `None` when the build ended without it.
    pub fn wait(&self, name: &str) -> Option<Vec<u8>> {
        let files = self.files.lock().ok()?;
        let (files, _) = self
            .written
            .wait_timeout_while(files, LIVE_WAIT, |f| !f.done && !f.files.contains_key(name))
            .ok()?;
        files.files.get(name).cloned()
    }

    /// Ends the build: waiting requests go on, and its files are taken out.
    pub fn finish(&self) -> BTreeMap<String, Vec<u8>> {
        let files = match self.files.lock() {
            Ok(mut f) => {
                f.done = true;
                std::mem::take(&mut f.files)
            }
            Err(_) => BTreeMap::new(),
        };
        self.written.notify_all();
        files
    }

    fn insert(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        let first = {
            let mut files = self
                .files
                .lock()
                .map_err(|_| anyhow::anyhow!("a writer to memory panicked"))?;
            files.files.insert(path, bytes);
            !std::mem::replace(&mut files.started, true)
        };
        if first {
            let on_start = self.on_start.lock().ok().and_then(|mut f| f.take());
            if let (Some(on_start), Some(this)) = (on_start, self.this.upgrade()) {
                on_start(this);
            }
        }
        self.written.notify_all();
        Ok(())
    }
}

impl Destination for Live {
    fn view(&self, folder: &str) -> Box<dyn Sink + Send> {
        Box::new(LiveSink {
            prefix: super::folder_prefix(folder),
            live: self.this.upgrade(),
        })
    }
}

struct LiveSink {
    prefix: String,
    live: Option<Arc<Live>>,
}

impl Sink for LiveSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        match &self.live {
            Some(live) => live.insert(format!("{}{path}", self.prefix), bytes.to_vec()),
            None => Ok(()),
        }
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        self.write(path, &crate::fs::read(from)?)
    }
}
