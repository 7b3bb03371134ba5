/* kanava default theme — the product catalog's enhancements; the catalog works without them.
 * Loaded (deferred, after kanava.js) by catalog.html and price-list.html only.
 *
 * 1. Quick-find by product code (catalog page): type "HP-12" and the product with that code
 *    comes first, then codes starting with what was typed, then codes containing it, then
 *    names containing every word. Hyphens, spaces and case do not matter ("hp12" finds
 *    HP-12). ↑/↓ move through the matches, Enter opens the highlighted one (the best match
 *    unless you moved), Escape closes the list and then clears the field. The field follows
 *    the ARIA "combobox with list autocomplete" pattern.
 * 2. Filters (catalog page): by category and by status; the query narrows the table too.
 *    The state is kept in the address (?q=…&category=…&status=…), so a link such as
 *    catalog/?q=HP-12 opens the catalog with the code typed in, and Back restores it.
 * 3. The "Print" button of the price list.
 *
 * Every product is a table row rendered by the template with its data as attributes
 * (data-sku, data-name, data-category, data-status, data-price): nothing is fetched.
 */
(function () {
  "use strict";

  // 3. Print button (price list).
  var printButtons = document.querySelectorAll("[data-print]");
  for (var b = 0; b < printButtons.length; b++) {
    printButtons[b].hidden = false;
    printButtons[b].addEventListener("click", function () { window.print(); });
  }

  var tools = document.querySelector("[data-catalog-tools]");
  var input = document.querySelector("[data-quickfind]");
  if (!tools || !input) return;

  var MAX_RESULTS = 8;
  // Interface strings (issue 18), in the page's language: strings.js reads the page's
  // `<script class="kanava-strings">` blocks; none is written here.
  var tr = window.kanavaTr || function (key) { return key; };
  var popup = tools.querySelector("[data-quickfind-popup]");
  var list = tools.querySelector("[data-quickfind-list]");
  var more = tools.querySelector("[data-quickfind-more]");
  var categorySelect = tools.querySelector("[data-filter-category]");
  var statusBoxes = Array.prototype.slice.call(tools.querySelectorAll("[data-filter-status]"));
  var count = tools.querySelector("[data-catalog-count]");
  var empty = document.querySelector("[data-catalog-empty]");
  var resets = document.querySelectorAll("[data-catalog-reset]");
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-catalog-group]"));

  // "HP-12 " → "HP12": codes compare without case, spaces or punctuation.
  function codeKey(text) {
    return text.toUpperCase().replace(/[^0-9A-Z]/g, "");
  }
  // Names compare without case or accents ("pompe à chaleur" finds "Pompe a chaleur").
  function fold(text) {
    var lower = text.toLowerCase();
    return lower.normalize ? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : lower;
  }

  var products = Array.prototype.slice.call(document.querySelectorAll("[data-product]")).map(function (row, i) {
    var link = row.querySelector("a[href]");
    var sku = row.getAttribute("data-sku") || "";
    var name = row.getAttribute("data-name") || "";
    var badge = row.querySelector(".status-badge");
    return {
      row: row,
      order: i,
      sku: sku,
      name: name,
      code: codeKey(sku),
      words: fold(name + " " + sku),
      category: row.getAttribute("data-category") || "",
      categoryTitle: categoryTitle(row),
      status: row.getAttribute("data-status") || "",
      statusLabel: badge ? badge.textContent : "",
      price: row.getAttribute("data-price"),
      // Read after kanava.js (loaded first) has fixed links for file:// viewing.
      href: link ? link.href : ""
    };
  });

  function categoryTitle(row) {
    var group = row.closest("[data-catalog-group]");
    var title = group && group.querySelector(".catalog-group-title");
    return title ? title.textContent.trim() : "";
  }

  // How well a product matches the query: 0 exact code, 1 code starts with it, 2 code
  // contains it, 3 name contains every word; -1 no match.
  function rank(product, query) {
    var code = codeKey(query);
    if (code) {
      if (product.code === code) return 0;
      if (product.code.indexOf(code) === 0) return 1;
      if (code.length >= 2 && product.code.indexOf(code) > 0) return 2;
    }
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return -1;
    for (var i = 0; i < words.length; i++) {
      if (product.words.indexOf(words[i]) < 0) return -1;
    }
    return 3;
  }

  var collator = window.Intl && Intl.Collator ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" }) : null;
  function compareCodes(a, b) {
    return collator ? collator.compare(a.sku, b.sku) : (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);
  }

  // The matches, best first. Within a rank, products still sold come before end-of-life
  // ones, then (for a code containing the query or a name match) the closer match: the
  // shorter code or name; then codes in natural order (HP-8 before HP-12). The quick-find looks through every
  // product, whatever the filters below it show: a code typed in is always found.
  function search(query) {
    var found = [];
    for (var i = 0; i < products.length; i++) {
      var r = rank(products[i], query);
      if (r >= 0) found.push({ product: products[i], rank: r });
    }
    found.sort(function (a, b) {
      if (a.rank !== b.rank) return a.rank - b.rank;
      var eolA = a.product.status === "eol" ? 1 : 0;
      var eolB = b.product.status === "eol" ? 1 : 0;
      if (a.rank > 0 && eolA !== eolB) return eolA - eolB;
      var closer = a.rank === 3 ? a.product.name.length - b.product.name.length
        : a.rank === 2 ? a.product.code.length - b.product.code.length : 0;
      return closer || compareCodes(a.product, b.product) || a.product.order - b.product.order;
    });
    return found;
  }

  /* 1. The quick-find list ------------------------------------------------------------ */

  var results = [];   // the matches shown, best first
  var active = -1;    // index of the highlighted match

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The code with the typed part marked, when the match is on the code.
  function codeNode(product, query, matchRank) {
    var node = el("span", "product-code quickfind-code");
    var key = codeKey(query);
    if (matchRank <= 2 && key) {
      // Map the position in the normalised code back onto the displayed code.
      var start = -1, end = -1, seen = 0, target = product.code.indexOf(key);
      for (var i = 0; i < product.sku.length; i++) {
        if (/[0-9A-Za-z]/.test(product.sku.charAt(i))) {
          if (seen === target) start = i;
          seen++;
          if (seen === target + key.length) { end = i + 1; break; }
        }
      }
      if (start >= 0 && end > start) {
        node.appendChild(document.createTextNode(product.sku.slice(0, start)));
        node.appendChild(el("mark", "", product.sku.slice(start, end)));
        node.appendChild(document.createTextNode(product.sku.slice(end)));
        return node;
      }
    }
    node.textContent = product.sku;
    return node;
  }

  function renderList(query) {
    var found = query.trim() ? search(query) : [];
    results = found.slice(0, MAX_RESULTS);
    list.textContent = "";
    results.forEach(function (match, i) {
      var p = match.product;
      var option = el("li", "quickfind-option");
      option.id = "kanava-quickfind-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.appendChild(codeNode(p, query, match.rank));
      option.appendChild(el("span", "quickfind-name", p.name));
      var meta = el("span", "quickfind-meta");
      meta.appendChild(el("span", "status-badge status-" + p.status, p.statusLabel));
      if (p.categoryTitle) meta.appendChild(el("span", "quickfind-category", p.categoryTitle));
      option.appendChild(meta);
      if (p.price) option.appendChild(el("span", "quickfind-price", p.price));
      option.addEventListener("click", function () { open(i); });
      list.appendChild(option);
    });
    if (!query.trim()) {
      more.hidden = true;
    } else if (!found.length) {
      more.hidden = false;
      more.textContent = tr("catalog.quickfind_none", { query: query.trim() });
    } else if (found.length > results.length) {
      more.hidden = false;
      more.textContent = tr("catalog.quickfind_best", { shown: results.length, total: found.length });
    } else {
      more.hidden = true;
    }
    setActive(results.length ? 0 : -1);
    showPopup(document.activeElement === input && query.trim() !== "");
  }

  function setActive(i) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      if (options[active].scrollIntoView) options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function showPopup(show) {
    popup.hidden = !show;
    input.setAttribute("aria-expanded", show && results.length ? "true" : "false");
    tools.classList.toggle("quickfind-open", show);
  }

  function open(i) {
    var match = results[i];
    if (!match || !match.product.href) return;
    showPopup(false);
    window.location.href = match.product.href;
  }

  input.addEventListener("keydown", function (event) {
    var isOpen = !popup.hidden;
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        event.preventDefault();
        if (!isOpen) { renderList(input.value); showPopup(input.value.trim() !== ""); return; }
        if (results.length) setActive((active + 1) % results.length);
        break;
      case "ArrowUp":
      case "Up":
        event.preventDefault();
        if (isOpen && results.length) setActive((active - 1 + results.length) % results.length);
        break;
      case "Enter":
        event.preventDefault();
        if (results.length) open(active >= 0 ? active : 0);
        break;
      case "Escape":
      case "Esc":
        if (isOpen) { event.preventDefault(); showPopup(false); }
        else if (input.value) { event.preventDefault(); input.value = ""; update(); }
        break;
      case "Tab":
        showPopup(false);
        break;
    }
  });
  // A press inside the list must not take the focus from the field (that would close it).
  popup.addEventListener("mousedown", function (event) { event.preventDefault(); });
  input.addEventListener("input", update);
  input.addEventListener("focus", function () { if (input.value.trim()) showPopup(true); });
  input.addEventListener("blur", function () { showPopup(false); });
  // Opening the list again after it was closed with Escape.
  input.addEventListener("click", function () { if (input.value.trim()) showPopup(true); });

  /* 2. Filters ------------------------------------------------------------------------ */

  var total = products.length;

  function checkedStatuses() {
    return statusBoxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
  }

  function applyFilters() {
    var query = input.value.trim();
    var category = categorySelect ? categorySelect.value : "";
    var statuses = checkedStatuses();
    var shown = 0;
    for (var i = 0; i < products.length; i++) {
      var p = products[i];
      var visible = (!category || p.category === category) &&
        statuses.indexOf(p.status) >= 0 &&
        (!query || rank(p, query) >= 0);
      p.row.hidden = !visible;
      if (visible) shown++;
    }
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-product]:not([hidden])");
    });
    var filtered = shown !== total;
    count.textContent = filtered
      ? tr("catalog.showing", { shown: shown, total: total })
      : tr("count.products", { count: total });
    if (empty) empty.hidden = shown !== 0;
    for (var r = 0; r < resets.length; r++) {
      if (resets[r].closest("[data-catalog-tools]")) resets[r].hidden = !filtered;
    }
  }

  function update() {
    renderList(input.value);
    applyFilters();
    saveState();
  }

  // The category filter goes into the address as the last part of its URL ("air-to-water").
  function slug(url) {
    var parts = url.replace(/\/+$/, "").split("/");
    return parts[parts.length - 1];
  }

  function saveState() {
    if (!window.history || !history.replaceState || !window.URLSearchParams) return;
    var params = new URLSearchParams(location.search);
    var query = input.value.trim();
    var statuses = checkedStatuses();
    if (query) params.set("q", query); else params.delete("q");
    if (categorySelect && categorySelect.value) params.set("category", slug(categorySelect.value)); else params.delete("category");
    if (statuses.length !== statusBoxes.length) params.set("status", statuses.join(",")); else params.delete("status");
    var search = params.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    } catch (e) { /* some browsers refuse on file:// */ }
  }

  function loadState() {
    if (!window.URLSearchParams) return;
    var params = new URLSearchParams(location.search);
    if (params.has("q")) input.value = params.get("q");
    var category = params.get("category");
    if (category && categorySelect) {
      for (var i = 0; i < categorySelect.options.length; i++) {
        var value = categorySelect.options[i].value;
        if (value && slug(value) === category) categorySelect.value = value;
      }
    }
    if (params.has("status")) {
      var wanted = params.get("status").split(",");
      statusBoxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    }
  }

  function reset() {
    input.value = "";
    if (categorySelect) categorySelect.value = "";
    statusBoxes.forEach(function (box) { box.checked = true; });
    update();
    input.focus();
  }

  if (categorySelect) categorySelect.addEventListener("change", update);
  statusBoxes.forEach(function (box) { box.addEventListener("change", update); });
  for (var r = 0; r < resets.length; r++) resets[r].addEventListener("click", reset);

  /* Start ----------------------------------------------------------------------------- */

  tools.hidden = false;
  loadState();
  // On a desktop the field takes the focus, so a reseller can type a code at once; not on
  // touch screens (the keyboard would cover the page), nor when the address names an anchor.
  var wide = window.matchMedia && window.matchMedia("(min-width: 48em) and (pointer: fine)").matches;
  if (wide && !location.hash) {
    try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); }
  }
  update();
})();
