// kanava: encrypted audience, shared by the login page, the service worker and the logout
// button (issue 20, docs/encryption.md). Plain WebCrypto, no third-party code. Mirrors
// src/encrypt/{mod,keys,container}.rs: change both together.
self.kanavaLock = (() => {
  'use strict';
  const subtle = crypto.subtle;
  const te = new TextEncoder();
  const LOCK = '_kanava/lock/';
  const DB = 'kanava-lock';
  const STORE = 'keys';

  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const b64url = (s) => b64(s.replace(/-/g, '+').replace(/_/g, '/'));
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  const hkdfKey = (ikm) => subtle.importKey('raw', ikm, 'HKDF', false, ['deriveKey']);
  const hkdf = (key, salt, info, alg, usages) =>
    subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: te.encode(info) }, key, alg, false, usages);

  const slotAad = (s, slot) => te.encode(`kanava-slot-v1\n${s.audience}\n${s.epoch}\n${slot.id}`);

  // The content key, as a non-extractable HKDF key, if `kek` unwraps the slot.
  async function unwrap(s, slot, kek) {
    try {
      return await subtle.unwrapKey('raw', b64(slot.key), kek,
        { name: 'AES-GCM', iv: b64(slot.iv), additionalData: slotAad(s, slot) },
        'HKDF', false, ['deriveKey']);
    } catch (e) {
      return null;
    }
  }

  // A magic link's token: HKDF-SHA256 with the slot's salt, tried on every token slot.
  async function tryToken(s, token) {
    const ikm = await hkdfKey(token);
    for (const slot of s.slots.filter((x) => x.kind === 'token')) {
      const kek = await hkdf(ikm, b64(slot.salt), 'kanava-v1 token slot', { name: 'AES-GCM', length: 256 }, ['unwrapKey']);
      const key = await unwrap(s, slot, kek);
      if (key) return key;
    }
    return null;
  }

  // A passphrase: PBKDF2-HMAC-SHA256, tried on every passphrase slot.
  async function tryPassphrase(s, passphrase) {
    const base = await subtle.importKey('raw', te.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
    for (const slot of s.slots.filter((x) => x.kind === 'passphrase')) {
      const kek = await subtle.deriveKey(
        { name: 'PBKDF2', hash: 'SHA-256', salt: b64(slot.salt), iterations: slot.iterations },
        base, { name: 'AES-GCM', length: 256 }, false, ['unwrapKey']);
      const key = await unwrap(s, slot, kek);
      if (key) return key;
    }
    return null;
  }

  // The keys a reader keeps (non-extractable): the file key and the name key.
  async function derive(s, contentKey) {
    const empty = new Uint8Array(0);
    return {
      audience: s.audience,
      epoch: s.epoch,
      file: await hkdf(contentKey, empty, 'kanava-v1 file key', { name: 'AES-GCM', length: 256 }, ['decrypt']),
      name: await hkdf(contentKey, empty, 'kanava-v1 name key', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
    };
  }

  async function nameOf(keys, path) {
    const mac = await subtle.sign('HMAC', keys.name, te.encode(`kanava-v1 name\n${path}`));
    return hex(new Uint8Array(mac).slice(0, 16));
  }

  // `kanavaPayload("<name>","<base64>")` → [name, container bytes], or null.
  function parseScript(text) {
    const m = /^kanavaPayload\("([0-9a-f]+)","([A-Za-z0-9+/=]*)"\)\n$/.exec(text);
    return m ? [m[1], b64(m[2])] : null;
  }

  // A file's bytes from its container, or null when it does not open at `path`.
  async function openFile(keys, path, bytes) {
    const magic = [0x4b, 0x4e, 0x56, 0x31]; // KNV1
    if (bytes.length < 4 + 12 + 16 || magic.some((b, i) => bytes[i] !== b)) return null;
    let padded;
    try {
      padded = new Uint8Array(await subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.slice(4, 16),
          additionalData: te.encode(`kanava-file-v1\n${keys.audience}\n${keys.epoch}\n${path}`) },
        keys.file, bytes.slice(16)));
    } catch (e) {
      return null;
    }
    if (padded.length < 8) return null;
    const len = Number(new DataView(padded.buffer).getBigUint64(0, true));
    if (len > padded.length - 8) return null;
    return padded.slice(8, 8 + len);
  }

  async function openScript(keys, path, text) {
    const parsed = parseScript(text);
    if (!parsed || parsed[0] !== (await nameOf(keys, path))) return null;
    return openFile(keys, path, parsed[1]);
  }

  // `kanavaSlots({...})` → the slot file's object, or null.
  function parseSlots(text) {
    const m = /^kanavaSlots\((.*)\);?\s*$/s.exec(text);
    try {
      return m ? JSON.parse(m[1]) : null;
    } catch (e) {
      return null;
    }
  }

  function db() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  async function tx(mode, f) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction(STORE, mode);
      const r = f(t.objectStore(STORE));
      t.oncomplete = () => { d.close(); resolve(r.result); };
      t.onerror = () => { d.close(); reject(t.error); };
    });
  }
  // Keys are kept per audience folder (its URL path).
  const load = (scope) => tx('readonly', (st) => st.get(scope));
  const store = (scope, keys) => tx('readwrite', (st) => st.put(keys, scope));
  const clear = (scope) => tx('readwrite', (st) => st.delete(scope));

  const TYPES = {
    html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
    mjs: 'text/javascript; charset=utf-8', json: 'application/json', xml: 'application/xml',
    csv: 'text/csv; charset=utf-8', txt: 'text/plain; charset=utf-8', pdf: 'application/pdf',
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
    avif: 'image/avif', svg: 'image/svg+xml', ico: 'image/x-icon', wasm: 'application/wasm',
    woff: 'font/woff', woff2: 'font/woff2', mp4: 'video/mp4', webm: 'video/webm', zip: 'application/zip',
  };
  const mime = (path) => TYPES[(/\.([a-z0-9]+)$/i.exec(path) || [])[1]?.toLowerCase()] || 'application/octet-stream';

  return { LOCK, b64, b64url, tryToken, tryPassphrase, derive, nameOf, openFile, openScript, parseScript,
    parseSlots, load, store, clear, mime };
})();
