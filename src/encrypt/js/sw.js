// kanava: the service worker of an encrypted audience (issue 20, docs/encryption.md). Each
// request inside the audience's folder is mapped to its opaque file (HMAC of the path),
// fetched, decrypted and answered with the right content type, so links, PDFs, images and
// search work as in the plain site. Without keys, pages lead to the login page.
importScripts('_kanava/lock/common.js');
const L = self.kanavaLock;
const SCOPE = new URL('./', self.location.href);
let cached = null;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  if (event.data === 'kanava-login' || event.data === 'kanava-logout') cached = null;
});

// The kept keys, if they are for the epoch the slot file publishes (a rotation makes the
// reader log in again). A page (navigation) reads both afresh, so a logout in another tab
// or a new build takes effect at once; its files use what the page used.
async function keys(navigate) {
  if (cached && !navigate) return cached;
  const kept = await L.load(SCOPE.pathname).catch(() => null);
  cached = null;
  if (!kept) return null;
  const r = await fetch(new URL(`${L.LOCK}slots.js`, SCOPE), { cache: 'no-store' });
  const slots = r.ok ? L.parseSlots(await r.text()) : null;
  if (!slots || slots.epoch !== kept.epoch || slots.audience !== kept.audience) {
    await L.clear(SCOPE.pathname);
    return null;
  }
  cached = kept;
  return kept;
}

// The file at `path`: its bytes, `undefined` when there is none, `null` when it does not
// decrypt.
async function file(k, path) {
  const r = await fetch(new URL(`${L.LOCK}e/${await L.nameOf(k, path)}.js`, SCOPE));
  if (!r.ok) return undefined;
  return L.openScript(k, path, await r.text());
}

const SESSION = `<script src="${SCOPE.pathname}_kanava/lock/common.js"></script><script src="${SCOPE.pathname}_kanava/lock/session.js"></script>`;

function respond(path, body, status) {
  let out = body;
  if (/\.html$/.test(path)) {
    const text = new TextDecoder().decode(body);
    const at = text.lastIndexOf('</body>');
    out = at < 0 ? text + SESSION : text.slice(0, at) + SESSION + text.slice(at);
  }
  return new Response(out, { status, headers: { 'Content-Type': L.mime(path) } });
}

async function serve(request, url, rel) {
  const k = await keys(request.mode === 'navigate');
  if (!k) {
    if (request.mode !== 'navigate' || rel === '' || rel === 'index.html') return fetch(request);
    return Response.redirect(`${SCOPE.href}?next=${encodeURIComponent(rel + url.search)}`, 302);
  }
  const path = rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
  const body = await file(k, path);
  if (body === null) return new Response('This file could not be decrypted.', { status: 500 });
  if (body !== undefined) return respond(path, body, 200);
  // `guides/install` → `guides/install/`, as a static host redirects.
  if (!rel.endsWith('/') && (await file(k, `${rel}/index.html`)) !== undefined) {
    return Response.redirect(`${SCOPE.href}${rel}/${url.search}`, 301);
  }
  const missing = await file(k, '404.html');
  if (missing) return respond('404.html', missing, 404);
  return new Response('Not found', { status: 404 });
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  let rel;
  try {
    rel = decodeURIComponent(url.pathname.slice(SCOPE.pathname.length));
  } catch (e) {
    return;
  }
  if (rel.startsWith(L.LOCK) || rel === 'kanava-sw.js') return;
  event.respondWith(serve(event.request, url, rel));
});
