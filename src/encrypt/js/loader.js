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
    if (location.protocol === 'file:' || !('serviceWorker' in navigator)) {
      fail('Your key is valid, but this copy is opened from disk (file://), where the browser ' +
        'lets no script read the other encrypted files. Open the site through its web address instead.');
      return;
    }
    say('Opening…');
    const reg = await navigator.serviceWorker.register(new URL('kanava-sw.js', base).href, { scope: base.pathname });
    await navigator.serviceWorker.ready;
    (reg.active || navigator.serviceWorker.controller)?.postMessage('kanava-login');
    location.replace(target());
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
    if (kept && kept.epoch === slots.epoch && kept.audience === slots.audience) return open(kept);
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
