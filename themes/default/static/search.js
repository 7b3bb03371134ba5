/* kanava default theme — the search box (partials/search.html).
 *
 * Turns the header's "All pages" link into a combobox (the WAI-ARIA APG "combobox with
 * listbox popup" pattern: an input with role="combobox" controlling a role="listbox") whose
 * results come as you type from this audience's own pagefind index, loaded from the site
 * itself (no CDN, no other request).
 *
 *   /          focus the search box (from anywhere but a text field)
 *   ↑ ↓        choose a result (↓ on the last one shows more, if there are more)
 *   Enter      open it (the first one if none is chosen)
 *   Esc        close the results, then clear the box, then leave it
 *
 * Options are not links (issue #13: axe `nested-interactive`, an <a> inside role="option"):
 * the input keeps the focus and points at the chosen option with aria-activedescendant;
 * Enter or a click opens the option's URL from script (Ctrl/⌘/middle click: a new tab).
 *
 * Every result can be seen (issue #13): the first BATCH are shown with the count ("23
 * results") and a "Show more results" button adds the next BATCH. pagefind loads each
 * result's data (a small fragment file) only when asked, so only what is shown is fetched.
 *
 * Ranking (issue #13): pagefind matches each query word by the start of its stem, and when
 * no indexed word starts with it, falls back to the longest indexed word that the query word
 * starts with — so "warrenty" (stem "warrenti") found every page with a "W" (watts). Here:
 *   1. a query word that no page contains, even as the start of a word, gives no results
 *      ("No results for …" names it) rather than pages that matched a fallback;
 *   2. pages that contain the words themselves (pagefind's exact search, stem for stem:
 *      "warranties" for "warranty") come before pages that only contain longer words they
 *      start ("seal" before "sealants"), each group in pagefind's order;
 *   3. a query that is exactly a product code (the `sku` filter of the index) puts that
 *      product first.
 *
 * Opened from disk (file://) the browser cannot fetch the index, so the box stays a link to
 * the list of all pages — as it does without JavaScript.
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
  var hint = box.querySelector("[data-search-hint]");
  var count = box.querySelector("[data-search-count]");
  var more = box.querySelector("[data-search-more]");
  var status = box.querySelector("[data-search-status]");
  var opener = box.querySelector(".search-link");
  var closer = box.querySelector(".search-close");
  if (!form || !input || !list || !panel) return;

  var BATCH = 10;           // results shown at first, and added by "Show more results"
  // Interface strings (issue 18), in the page's language: strings.js reads the page's
  // `<script class="kanava-strings">` blocks; none is written here.
  var tr = window.kanavaTr || function (key) { return key; };
  var UNAVAILABLE = tr("search.unavailable");
  var bundle = new URL(box.getAttribute("data-bundle"), location.href).href;
  var siteRoot = new URL(box.getAttribute("data-root") || "./", location.href).pathname;

  var pagefind = null;      // the module, once loaded
  var loading = null;       // its promise
  var query = "";           // the query whose results are shown
  var ranked = [];          // all its results (pagefind's result objects), best first
  var results = [];         // the shown ones: [{ url, title, kind, sub, excerpt, sku }]
  var active = -1;          // index of the chosen option, -1: none
  var generation = 0;       // drops answers to superseded queries
  var fetching = null;      // the promise of the batch being loaded, if any

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
        showMessage(UNAVAILABLE);
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

  function showMessage(text, help) {
    if (message) {
      message.textContent = text;
      message.hidden = !text;
    }
    if (hint) {
      hint.textContent = help || "";
      hint.hidden = !help;
    }
    if (text) setOpen(true);
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  function plural(n) {
    return tr("search.count", { count: n });
  }

  // The visible count and the "Show more results" button, for what is shown now.
  function showCount() {
    var total = ranked.length;
    if (count) {
      count.textContent = !total ? "" : results.length < total
        ? tr("search.showing", { shown: results.length, total: plural(total) }) : plural(total);
      count.hidden = !total;
    }
    if (more) {
      var left = total - results.length;
      more.hidden = left <= 0;
    }
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
  function appendMarked(parent, text, q) {
    var words = q.split(/\s+/).filter(function (w) { return w.length > 0; })
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

  // One option: plain text in spans, nothing focusable or clickable inside (issue #13).
  function option(r, i, q) {
    var li = document.createElement("li");
    li.id = "kanava-search-option-" + i;
    li.className = "search-result";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.setAttribute("data-href", r.url);
    var top = span("search-result-top");
    var kind = span("search-kind search-kind-" + r.kind);
    // A kind without a string of its own shows as itself (tr gives back the key then).
    var kindKey = "search.kind." + r.kind;
    var kindText = tr(kindKey);
    kind.textContent = kindText === kindKey ? r.kind : kindText;
    top.appendChild(kind);
    var title = span("search-result-title");
    appendMarked(title, r.title, q);
    top.appendChild(title);
    if (r.sku) {
      var code = span("search-sku");
      appendMarked(code, r.sku, q);
      top.appendChild(code);
    }
    li.appendChild(top);
    if (r.sub) {
      var sub = span("search-result-section");
      appendMarked(sub, r.sub, q);
      li.appendChild(sub);
    }
    if (r.excerpt) {
      var ex = span("search-result-excerpt");
      appendExcerpt(ex, r.excerpt, r.sub);
      li.appendChild(ex);
    }
    li.addEventListener("mousemove", function () { if (active !== i) setActive(i); });
    // Keep the focus in the box (APG): the click below opens the option.
    li.addEventListener("mousedown", function (event) { event.preventDefault(); });
    li.addEventListener("click", function (event) {
      go(i, event.ctrlKey || event.metaKey || event.shiftKey);
    });
    li.addEventListener("auxclick", function (event) {
      if (event.button === 1) go(i, true);
    });
    return li;
  }

  // Adds options for `datas` (the next results' data) after those shown.
  function append(datas) {
    var first = results.length;
    datas.map(toResult).forEach(function (r) {
      var i = results.length;
      results.push(r);
      var li = option(r, i, query);
      // Screen readers say "3 of 23" although only part of the list is loaded.
      li.setAttribute("aria-setsize", String(ranked.length));
      li.setAttribute("aria-posinset", String(i + 1));
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    showCount();
    return first;
  }

  function clearList() {
    list.textContent = "";
    list.hidden = true;
    results = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
  }

  // ---- matching ---------------------------------------------------------------------------

  // Text as pagefind compares it: lower case, without accents.
  function fold(s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // The query's words as pagefind.js reads them: punctuation dropped, split at spaces
  // ("HP-12" is the word "hp12").
  function queryTerms(q) {
    var seen = {};
    return fold(q).replace(/[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu, "").split(/\s+/)
      .filter(function (t) {
        if (!t || seen[t]) return false;
        seen[t] = true;
        return true;
      });
  }

  // The forms a query word may begin in one word of the text: the whole word (letters and
  // digits only, "hp12" for "HP-12,") and each of its parts ("hp", "12"; camelCase split).
  function wordForms(word) {
    var f = fold(word.replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2"));
    return [fold(word).replace(/[^\p{L}\p{N}_]/gu, "")]
      .concat(f.split(/[^\p{L}\p{N}_]+/));
  }

  // Whether a result's data contains a word that starts with `term` (which pagefind can match
  // in the text, where its locations point, or in the title and product code).
  function mentions(data, term) {
    var t = term.replace(/[^\p{L}\p{N}_]/gu, "");
    if (!t) return true;
    var text = (data.raw_content || data.content || "").split(/[^\S\uFEFF]+/);
    var words = (data.locations || []).map(function (l) { return text[l] || ""; });
    var meta = data.meta || {};
    words = words.concat(((meta.title || "") + " " + (meta.sku || "")).split(/\s+/));
    return words.some(function (w) {
      return wordForms(w).some(function (f) { return f.slice(0, t.length) === t; });
    });
  }

  function ids(answer) {
    var set = {};
    (answer && answer.results || []).forEach(function (r) { set[r.id] = true; });
    return set;
  }

  // Ranks pagefind's answer to `q` (see the header): resolves to { ranked, unknown }, where
  // `unknown` lists the query words no page contains (then `ranked` is empty).
  function rank(pf, q, answer) {
    var terms = queryTerms(q);
    if (/^\s*".+"\s*$/.test(q) || !terms.length) {
      return Promise.resolve({ ranked: answer.results, unknown: [] });
    }
    // Pages with each word itself (stem for stem): pagefind's exact search of that word.
    return Promise.all(terms.map(function (t) {
      return pf.search("\"" + t + "\"");
    })).then(function (exacts) {
      var exact = exacts.map(ids);
      // A word no page has as such matched either longer words that start with it (a
      // prefix: keep) or pagefind's fallback, a shorter word it starts with (drop). Which
      // one is the same for all its pages; the best page of the word alone tells.
      return Promise.all(terms.map(function (t, k) {
        if (exacts[k].results.length) return true;
        var alone = terms.length === 1 ? Promise.resolve(answer) : pf.search(t);
        return alone.then(function (a) {
          if (!a.results.length) return false;
          return a.results[0].data().then(function (d) { return mentions(d, t); });
        });
      })).then(function (found) {
        var unknown = terms.filter(function (t, k) { return !found[k]; });
        if (unknown.length) return { ranked: [], unknown: unknown };
        // Pages with more of the words themselves first; pagefind's order otherwise.
        var scored = answer.results.map(function (r, i) {
          var n = exact.filter(function (set) { return set[r.id]; }).length;
          return { r: r, n: n, i: i };
        });
        scored.sort(function (a, b) { return b.n - a.n || a.i - b.i; });
        return { ranked: scored.map(function (s) { return s.r; }), unknown: [] };
      });
    });
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

  // Loads and shows the next batch of the current query's results; resolves to the index of
  // the first new option (or -1 when there was nothing more).
  function showMore() {
    if (fetching) return fetching;
    var mine = generation;
    var next = ranked.slice(results.length, results.length + BATCH);
    if (!next.length) return Promise.resolve(-1);
    var batch = Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (fetching === batch) fetching = null;
      return mine === generation ? append(datas) : -1;
    }, function (error) {
      if (fetching === batch) fetching = null;
      throw error;
    });
    fetching = batch;
    return batch;
  }

  function search(raw) {
    var mine = ++generation;
    fetching = null;
    var q = raw.trim();
    if (!q) {
      query = "";
      ranked = [];
      clearList();
      showCount();
      showMessage("");
      setOpen(false);
      announce("");
      return;
    }
    load().then(function (pf) {
      var text = pf.debouncedSearch(q, {}, 120);
      // A product code typed exactly: look it up in the `sku` filter too.
      var code = /^\S{2,40}$/.test(q)
        ? pf.search(null, { filters: { sku: normalizeCode(q) } }).catch(function () { return null; })
        : Promise.resolve(null);
      return Promise.all([text, code]).then(function (answers) {
        if (mine !== generation || answers[0] === null) return null; // superseded
        return rank(pf, q, answers[0]).then(function (r) {
          var codes = answers[1] && answers[1].results ? answers[1].results.slice(0, 3) : [];
          var seen = {};
          var all = [];
          codes.concat(r.ranked).forEach(function (x) {
            if (!seen[x.id]) { seen[x.id] = true; all.push(x); }
          });
          return { ranked: all, unknown: codes.length ? [] : r.unknown };
        });
      });
    }).then(function (found) {
      if (!found || mine !== generation) return null;
      query = q;
      ranked = found.ranked;
      clearList();
      return showMore().then(function () { return found; });
    }).then(function (found) {
      if (!found || mine !== generation) return;
      if (results.length) {
        showMessage("");
        setOpen(true);
        announce(tr("search.results_for", { results: plural(ranked.length), query: q }));
      } else {
        showCount();
        var help = found.unknown.length
          ? tr("search.no_word", {
            words: found.unknown.map(function (t) { return tr("search.quoted", { word: t }); }).join(" " + tr("search.or") + " ")
          })
          : "";
        showMessage(tr("search.no_results", { query: q }), help);
        announce(tr("search.no_results_plain", { query: q }));
      }
    }).catch(function () {
      if (mine === generation) showMessage(UNAVAILABLE);
    });
  }

  // Shows the next batch (the button, or ↓ on the last option) and says so.
  function revealMore() {
    var mine = generation;
    return showMore().then(function (first) {
      if (mine !== generation || first < 0) return first;
      announce(tr("search.showing", { shown: results.length, total: plural(ranked.length) }));
      if (more && more.hidden && document.activeElement === more) input.focus();
      return first;
    }).catch(function () {
      if (mine === generation) showMessage(UNAVAILABLE);
      return -1;
    });
  }

  function go(i, newTab) {
    var r = results[i];
    if (!r) return false;
    if (newTab) {
      window.open(r.url, "_blank", "noopener");
    } else {
      location.assign(r.url);
    }
    return true;
  }

  function openActive() {
    return go(active >= 0 ? active : 0, false);
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
        if (panel.hidden) { setOpen(true); }
        if (active === n - 1 && results.length < ranked.length) {
          revealMore().then(function (first) { if (first >= 0) setActive(first); });
          return;
        }
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
  if (more) more.addEventListener("click", function () { revealMore(); });
  // Esc from the "Show more results" button closes the results too, back in the box.
  panel.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    input.focus();
    setOpen(false);
  });
  // Tabbing out of the search closes its results (clicks outside: see pointerdown below).
  box.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !box.contains(event.relatedTarget)) setOpen(false);
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
