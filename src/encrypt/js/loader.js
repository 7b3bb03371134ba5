// kanava: the login page of an encrypted audience (issue 20, docs/encryption.md). Reads a
// magic link's `#k=` (and removes it from the address bar) or asks for the passphrase,
// unwraps the content key, keeps it in IndexedDB as non-extractable keys, registers the
// service worker that decrypts the site, and opens the page asked for.
(() => {
  'use strict';
  const L = self.kanavaLock;
  const base = new URL('./', location.href);
  const $ = (id) => document.getElementById(id);

  function say(text) {
    $('kanava-lock-status').textContent = text;
  }
  function fail(text) {
    const e = $('kanava-lock-error');
    e.textContent = text;
    e.hidden = false;
  }

  // Where to go once open: `?next=` (set by the service worker for a page asked for before
  // login), only inside this audience's folder.
  function target() {
    const next = new URLSearchParams(location.search).get('next');
    if (next) {
      const url = new URL(next, base);
      if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) return url.href;
    }
    return base.href;
  }

  async function open(keys) {
    if (location.protocol === 'file:') return fromDisk(keys);
    if (!('serviceWorker' in navigator)) {
      fail('Your key is valid, but this browser runs no service workers (they may be turned off, ' +
        'or the site is not served over HTTPS), and the site cannot be decrypted without one.');
      return;
    }
    say('Opening…');
    const reg = await navigator.serviceWorker.register(new URL('kanava-sw.js', base).href, { scope: base.pathname });
    await navigator.serviceWorker.ready;
    (reg.active || navigator.serviceWorker.controller)?.postMessage('kanava-login');
    location.replace(target());
  }

  // ---- from disk (file://): no fetch, no service worker --------------------------------
  // Each encrypted file is a script calling `kanavaPayload`; a page is decrypted, its styles,
  // scripts and images replaced by decrypted blob: URLs, its links by `#/<path>` routes, and
  // written over this page.
  const VIRTUAL = 'https://kanava.invalid/';
  const pending = new Map();
  const blobs = new Map();
  self.kanavaPayload = (name, data) => {
    const finish = pending.get(name);
    if (finish) {
      pending.delete(name);
      finish(data);
    }
  };

  // The base64 of an encrypted file, by loading its script; `undefined` when it is missing.
  // Loads of one name at once share one script. A script calls `kanavaPayload` before its
  // `load` event, and by then the next load of the same name may be waiting: each load
  // settles only its own promise.
  const loading = new Map();
  function payload(name) {
    if (loading.has(name)) return loading.get(name);
    const promise = new Promise((resolve) => {
      let settled = false;
      const finish = (data) => {
        if (!settled) {
          settled = true;
          resolve(data);
        }
      };
      pending.set(name, finish);
      const script = document.createElement('script');
      script.src = new URL(`${L.LOCK}e/${name}.js`, base).href;
      const done = () => {
        script.remove();
        if (pending.get(name) === finish) pending.delete(name);
        finish(undefined);
      };
      script.onload = done;
      script.onerror = done;
      (document.head || document.documentElement).appendChild(script);
    }).finally(() => loading.delete(name));
    loading.set(name, promise);
    return promise;
  }

  // A file's bytes; `undefined` when there is none, `null` when it does not decrypt.
  async function diskFile(keys, path) {
    const data = await payload(await L.nameOf(keys, path));
    return data === undefined ? undefined : L.openFile(keys, path, L.b64(data));
  }

  // A blob: URL of the decrypted file (null when there is none), made once per path: a page
  // often names a file twice (the logo), and each load must be waited for once.
  function blobOf(keys, path) {
    if (!blobs.has(path)) {
      blobs.set(path, diskFile(keys, path).then((bytes) =>
        bytes ? URL.createObjectURL(new Blob([bytes], { type: L.mime(path) })) : null));
    }
    return blobs.get(path);
  }

  // The logical path (and #fragment) a reference in the file at `from` points to; null for
  // another site.
  function logical(ref, from) {
    let url;
    try {
      url = new URL(ref, VIRTUAL + from);
    } catch (e) {
      return null;
    }
    if (!url.href.startsWith(VIRTUAL)) return null;
    return { path: decodeURIComponent(url.pathname.slice(1)), hash: url.hash };
  }

  const routeOf = (path) => `#/${encodeURI(path.replace(/(^|\/)index\.html$/, '$1'))}`;

  function route() {
    const hash = location.hash;
    if (!hash.startsWith('#/')) return ['', ''];
    const rest = hash.slice(2);
    const at = rest.indexOf('#');
    const path = at < 0 ? rest : rest.slice(0, at);
    try {
      return [decodeURI(path), at < 0 ? '' : rest.slice(at + 1)];
    } catch (e) {
      return ['', ''];
    }
  }

  // The route of the page shown, so that a link to a heading on it only scrolls.
  let shown = null;

  async function renderFromDisk(keys) {
    const [path, anchor] = route();
    if (path === shown) {
      if (anchor) document.getElementById(decodeURIComponent(anchor))?.scrollIntoView();
      return;
    }
    let file = path === '' || path.endsWith('/') ? `${path}index.html` : path;
    let bytes = await diskFile(keys, file);
    if (bytes === undefined && path !== '' && !/\.[^/]*$/.test(path)) {
      file = `${path}/index.html`;
      bytes = await diskFile(keys, file);
    }
    if (bytes === undefined) {
      file = '404.html';
      bytes = await diskFile(keys, file);
    }
    if (!bytes) {
      fail('This page could not be decrypted.');
      return;
    }
    if (!file.endsWith('.html')) {
      // A download (PDF, CSV, image): a page offering its decrypted bytes (from file://
      // the browser navigates to no blob: address), with a preview of images and PDFs.
      if (!blobs.has(file)) {
        blobs.set(file, Promise.resolve(URL.createObjectURL(new Blob([bytes], { type: L.mime(file) }))));
      }
      const url = await blobs.get(file);
      const name = esc(file.split('/').pop());
      const type = L.mime(file);
      const preview = type.startsWith('image/') ? `<p><img src="${url}" alt="" style="max-width:100%"></p>`
        : type === 'application/pdf' ? `<iframe src="${url}" title="${name}" style="width:100%;height:80vh;border:0"></iframe>` : '';
      show(`<html><head><meta charset="utf-8"><title>${name}</title></head><body style="font-family:system-ui,sans-serif">` +
        `<p><a id="kanava-download" href="${url}" download="${name}">Download ${name}</a> · ` +
        `<button type="button" onclick="history.back()">Back</button></p>${preview}</body></html>`, path, anchor, keys);
      return;
    }
    const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'text/html');
    const jobs = [];
    for (const el of doc.querySelectorAll('link[href], script[src], img[src], source[src], video[src], audio[src], embed[src], iframe[src]')) {
      const attr = el.tagName === 'LINK' ? 'href' : 'src';
      const target = logical(el.getAttribute(attr), file);
      if (!target) continue;
      el.removeAttribute('srcset');
      jobs.push(blobOf(keys, target.path).then((url) => {
        if (url) el.setAttribute(attr, url);
        else el.removeAttribute(attr);
      }));
    }
    for (const img of doc.querySelectorAll('img[srcset], source[srcset]')) img.removeAttribute('srcset');
    for (const a of doc.querySelectorAll('a[href]')) {
      const href = a.getAttribute('href');
      if (href.startsWith('#')) {
        a.setAttribute('href', routeOf(file) + href);
        continue;
      }
      const target = logical(href, file);
      if (target) {
        a.setAttribute('href', routeOf(target.path) + target.hash);
        // A route cannot be downloaded: the file's page offers the download instead.
        a.removeAttribute('download');
      }
    }
    await Promise.all(jobs);
    show(doc.documentElement.outerHTML, path, anchor, keys);
  }

  const esc = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  // Writes `html` (with the logout button) over the document, as the page of `path`.
  function show(html, path, anchor, keys) {
    const session = ['common.js', 'session.js']
      .map((f) => `<script src="${new URL(L.LOCK + f, base).href}"></script>`).join('');
    const at = html.lastIndexOf('</body>');
    document.open();
    document.write(`<!doctype html>\n${at < 0 ? html + session : html.slice(0, at) + session + html.slice(at)}`);
    document.close();
    shown = path;
    // Writing the document removed every listener: listen again.
    self.addEventListener('hashchange', () => renderFromDisk(keys).catch((e) => {
      document.body.insertAdjacentHTML('afterbegin', `<p role="alert" id="kanava-lock-error">This page could not be opened: ${esc(String(e))}</p>`);
    }));
    if (anchor) document.getElementById(decodeURIComponent(anchor))?.scrollIntoView();
    else window.scrollTo(0, 0);
  }

  function fromDisk(keys) {
    say('Opening…');
    return renderFromDisk(keys);
  }

  async function enter(slots, contentKey) {
    const keys = await L.derive(slots, contentKey);
    await L.store(base.pathname, keys);
    await open(keys);
  }

  async function start(slots) {
    if (location.hash.startsWith('#k=')) {
      const token = location.hash.slice(3);
      history.replaceState(null, '', location.pathname + location.search);
      say('Checking your link…');
      let key = null;
      try {
        key = await L.tryToken(slots, L.b64url(token));
      } catch (e) {
        key = null;
      }
      if (key) return enter(slots, key);
      say('');
      fail('This link is not valid, or no longer valid. Ask your contact for a new one.');
      return;
    }
    const kept = await L.load(base.pathname).catch(() => null);
    if (kept && kept.epoch === slots.epoch && kept.audience === slots.audience) {
      // Over HTTP this page shows with kept keys when the service worker is not installed
      // yet; if it still shows right after installing it (the worker could not use the
      // keys), ask again rather than reload for ever.
      const last = Number(sessionStorage.getItem(`kanava-lock:${base.pathname}`) || 0);
      if (location.protocol === 'file:' || Date.now() - last > 10000) {
        sessionStorage.setItem(`kanava-lock:${base.pathname}`, String(Date.now()));
        return open(kept);
      }
      await L.clear(base.pathname);
    }
    const form = $('kanava-lock-form');
    form.hidden = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      $('kanava-lock-error').hidden = true;
      say('Checking your passphrase…');
      const key = await L.tryPassphrase(slots, $('kanava-lock-passphrase').value).catch(() => null);
      if (key) return enter(slots, key);
      say('');
      fail('Wrong passphrase.');
    });
  }

  self.kanavaSlots = (slots) => {
    start(slots).catch((e) => fail(`Could not open the site: ${e}`));
  };
})();
