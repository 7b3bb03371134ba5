/* kanava default theme — the search box (partials/search.html).
 *
 * Turns the header's "All pages" link into a combobox (WAI-ARIA 1.2 pattern: an input with
 * role="combobox" controlling a role="listbox") whose results come as you type from this
 * audience's own pagefind index, loaded from the site itself (no CDN, no other request).
 *
 *   /          focus the search box (from anywhere but a text field)
 *   ↑ ↓        choose a result            Enter   open it (the first one if none is chosen)
 *   Esc        close the results, then clear the box, then leave it
 *
 * Results show their type (guide, product, material, path) and the matched words marked.
 * A query that is exactly a product code (the `sku` filter of the index) puts that product
 * first. Opened from disk (file://) the browser cannot fetch the index, so the box stays a
 * link to the list of all pages — as it does without JavaScript.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-search]");
  if (!box || !box.hasAttribute("data-bundle")) return;
  if (location.protocol === "file:") return;

  var form = box.querySelector(".search-form");
  var input = box.querySelector(".search-input");
  var list = box.querySelector(".search-results");
  var panel = box.querySelector(".search-panel");
  var message = box.querySelector("[data-search-message]");
  var status = box.querySelector("[data-search-status]");
  var opener = box.querySelector(".search-link");
  var closer = box.querySelector(".search-close");
  if (!form || !input || !list || !panel) return;

  var MAX_RESULTS = 8;
  var LABELS = { guide: "Guide", product: "Product", material: "Material", path: "Path" };
  var bundle = new URL(box.getAttribute("data-bundle"), location.href).href;
  var siteRoot = new URL(box.getAttribute("data-root") || "./", location.href).pathname;

  var pagefind = null;      // the module, once loaded
  var loading = null;       // its promise
  var results = [];         // [{ url, title, kind, sub, excerpt, sku }]
  var active = -1;          // index of the chosen option, -1: none
  var generation = 0;       // drops answers to superseded queries

  form.hidden = false;
  box.classList.add("is-ready");

  function load() {
    if (!loading) {
      loading = import(bundle + "pagefind.js").then(function (module) {
        pagefind = module;
        // On the main thread (noWorker): one script less to download before the first
        // answer, and searching even a large site's index takes milliseconds.
        return module.options({ baseUrl: siteRoot, excerptLength: 22, noWorker: true }).then(function () {
          return module.init();
        }).then(function () { return module; });
      });
      loading.catch(function () {
        loading = null;
        showMessage("Search is not available here. Browse all pages instead.");
      });
    }
    return loading;
  }

  // ---- the panel ------------------------------------------------------------------------

  function setOpen(open) {
    panel.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function showMessage(text) {
    if (message) {
      message.textContent = text;
      message.hidden = !text;
    }
    if (text) setOpen(true);
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  function setActive(i) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // ---- building results safely ------------------------------------------------------------

  function decode(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  }

  // pagefind's excerpts are text with <mark> around matches; rebuild them as DOM nodes
  // rather than trusting them as HTML.
  // `skip`: a heading that begins the excerpt (shown on its own line already).
  function appendExcerpt(parent, excerpt, skip) {
    var marked = false;
    var plain = decode(excerpt.replace(/<[^>]*>/g, ""));
    var drop = 0;
    if (skip && plain.slice(0, skip.length).toLowerCase() === skip.toLowerCase()) {
      drop = skip.length;
      while (drop < plain.length && /[.\s]/.test(plain.charAt(drop))) drop++;
    }
    excerpt.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) return;
      var chunk = decode(part.replace(/<[^>]*>/g, ""));
      if (drop > 0) {
        var cut = Math.min(drop, chunk.length);
        chunk = chunk.slice(cut);
        drop -= cut;
        if (!chunk) return;
      }
      var text = document.createTextNode(chunk);
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        parent.appendChild(mark);
      } else {
        parent.appendChild(text);
      }
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Marks the words of the query where a word of `text` starts with them.
  function appendMarked(parent, text, query) {
    var words = query.split(/\s+/).filter(function (w) { return w.length > 0; })
      .map(escapeRegExp).sort(function (a, b) { return b.length - a.length; });
    if (!words.length) { parent.appendChild(document.createTextNode(text)); return; }
    var re = new RegExp("(^|[^\\p{L}\\p{N}])(" + words.join("|") + ")", "giu");
    var at = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var start = m.index + m[1].length;
      if (start > at) parent.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = m[2];
      parent.appendChild(mark);
      at = start + m[2].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function span(cls) {
    var el = document.createElement("span");
    el.className = cls;
    return el;
  }

  function render(query) {
    list.textContent = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "kanava-search-option-" + i;
      li.className = "search-result";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = r.url;
      a.tabIndex = -1;
      var top = span("search-result-top");
      var kind = span("search-kind search-kind-" + r.kind);
      kind.textContent = LABELS[r.kind] || r.kind;
      top.appendChild(kind);
      var title = span("search-result-title");
      appendMarked(title, r.title, query);
      top.appendChild(title);
      if (r.sku) {
        var code = span("search-sku");
        appendMarked(code, r.sku, query);
        top.appendChild(code);
      }
      a.appendChild(top);
      if (r.sub) {
        var sub = span("search-result-section");
        appendMarked(sub, r.sub, query);
        a.appendChild(sub);
      }
      if (r.excerpt) {
        var ex = span("search-result-excerpt");
        appendExcerpt(ex, r.excerpt, r.sub);
        a.appendChild(ex);
      }
      li.appendChild(a);
      li.addEventListener("mousemove", function () { if (active !== i) setActive(i); });
      list.appendChild(li);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
  }

  // ---- searching ----------------------------------------------------------------------------

  function normalizeCode(s) {
    return s.trim().toUpperCase();
  }

  function toResult(data) {
    var kind = data.filters && data.filters.kind && data.filters.kind[0] || "guide";
    // The part of the page that matches best (by pagefind's weights: a heading counts more
    // than body text), so a result can lead straight to its section.
    var best = null;
    var bestScore = -1;
    (data.sub_results || []).forEach(function (s) {
      var score = (s.weighted_locations || []).reduce(function (n, l) { return n + (l.weight || 1); }, 0);
      if (score > bestScore) { best = s; bestScore = score; }
    });
    var heading = best && best.anchor && best.url !== data.url ? best : null;
    return {
      url: heading ? heading.url : data.url,
      title: (data.meta && data.meta.title) || data.url,
      kind: kind,
      sku: data.meta && data.meta.sku || "",
      sub: heading ? heading.title : "",
      excerpt: heading ? heading.excerpt : data.excerpt
    };
  }

  function search(query) {
    var mine = ++generation;
    var q = query.trim();
    if (!q) {
      results = [];
      render("");
      showMessage("");
      setOpen(false);
      announce("");
      return;
    }
    load().then(function (pf) {
      var text = pf.debouncedSearch(q, {}, 120);
      // A product code typed exactly: look it up in the `sku` filter too.
      var exact = /^\S{2,40}$/.test(q)
        ? pf.search(null, { filters: { sku: normalizeCode(q) } }).catch(function () { return null; })
        : Promise.resolve(null);
      return Promise.all([text, exact]);
    }).then(function (answers) {
      if (!answers || mine !== generation) return null;
      var text = answers[0];
      if (text === null) return null; // superseded while debouncing
      var exact = answers[1] && answers[1].results ? answers[1].results.slice(0, 3) : [];
      var seen = {};
      var picks = [];
      exact.concat(text.results).forEach(function (r) {
        if (!seen[r.id] && picks.length < MAX_RESULTS) { seen[r.id] = true; picks.push(r); }
      });
      return Promise.all(picks.map(function (r) { return r.data(); })).then(function (datas) {
        return { datas: datas, total: text.results.length };
      });
    }).then(function (found) {
      if (!found || mine !== generation) return;
      var code = normalizeCode(q);
      var list_ = found.datas.map(toResult);
      // Exact product-code matches first (stable for the rest).
      var exactFirst = list_.filter(function (r) { return r.sku && normalizeCode(r.sku) === code; });
      results = exactFirst.concat(list_.filter(function (r) { return exactFirst.indexOf(r) < 0; }));
      render(q);
      if (results.length) {
        showMessage(found.total > results.length ? "Showing " + results.length + " of " + found.total + " results" : "");
        setOpen(true);
        announce(results.length + (results.length === 1 ? " result" : " results") + " for " + q);
      } else {
        showMessage("No results for “" + q + "”");
        announce("No results for " + q);
      }
    }).catch(function () {
      if (mine === generation) showMessage("Search is not available here. Browse all pages instead.");
    });
  }

  function openActive() {
    var i = active >= 0 ? active : 0;
    var option = list.children[i];
    var link = option && option.querySelector("a");
    if (link) {
      link.click();
      return true;
    }
    return false;
  }

  // ---- events -------------------------------------------------------------------------------

  input.addEventListener("focus", function () {
    load();
    if (results.length || (message && !message.hidden)) setOpen(true);
  });
  input.addEventListener("input", function () { search(input.value); });
  input.addEventListener("keydown", function (event) {
    var n = list.children.length;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!n) return;
        if (panel.hidden) setOpen(true);
        setActive(active + 1 >= n ? 0 : active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!n) return;
        if (panel.hidden) setOpen(true);
        setActive(active <= 0 ? n - 1 : active - 1);
        break;
      case "Enter":
        event.preventDefault();
        openActive();
        break;
      case "Escape":
        event.preventDefault();
        if (!panel.hidden) {
          setOpen(false);
        } else if (input.value) {
          input.value = "";
          search("");
        } else {
          closeSearch();
        }
        break;
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    openActive();
  });

  // Phones: the icon opens the search over the header; the close button (or Esc) closes it.
  function openSearch() {
    document.documentElement.classList.add("search-open");
    input.focus();
  }
  function closeSearch() {
    document.documentElement.classList.remove("search-open");
    setOpen(false);
    input.blur();
    if (opener && opener.offsetParent !== null) opener.focus();
  }
  if (opener) {
    opener.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      openSearch();
    });
  }
  if (closer) closer.addEventListener("click", closeSearch);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    event.preventDefault();
    openSearch();
    input.select();
  });
  document.addEventListener("pointerdown", function (event) {
    if (!box.contains(event.target)) setOpen(false);
  });
})();
