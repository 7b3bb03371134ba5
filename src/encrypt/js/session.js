// kanava: the logout button the service worker adds to every decrypted page of an
// encrypted audience (issue 20): forgets the keys kept in this browser.
(() => {
  'use strict';
  const base = new URL('../../', document.currentScript.src);
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'kanava-logout';
  button.textContent = 'Log out';
  button.style.cssText = 'position:fixed;right:.75rem;bottom:.75rem;z-index:2147483647;font:inherit;padding:.3rem .8rem;';
  button.addEventListener('click', async () => {
    await self.kanavaLock.clear(base.pathname);
    navigator.serviceWorker?.controller?.postMessage('kanava-logout');
    // From disk a folder's address lists the folder: go to its login page by name.
    location.replace(location.protocol === 'file:' ? new URL('index.html', base).href : base.href);
  });
  const add = () => document.body.appendChild(button);
  if (document.body) add();
  else document.addEventListener('DOMContentLoaded', add);
})();
