// The materials library's filters (materials.html): kind, product and language. Without
// this script the page is the plain grouped list; with it, the form shows and each change
// hides the materials (and the groups left empty) that do not match. The choice is kept in
// the address (?kind=…&product=…&language=…) so a filtered list can be shared.
(function () {
  "use strict";
  var form = document.querySelector("[data-library-filters]");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".library .material"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-library-group]"));
  var count = form.querySelector("[data-library-count]");
  var none = document.querySelector("[data-library-none]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  // Interface strings (issue 18), in the page's language: strings.js reads the page's
  // `<script class="kanava-strings">` blocks; none is written here.
  var tr = window.kanavaTr || function (key) { return key; };

  function value(name) {
    var s = form.elements[name];
    return s ? s.value : "";
  }

  function apply() {
    var kind = value("kind"), product = value("product"), language = value("language");
    var shown = 0;
    items.forEach(function (li) {
      var ok = (!kind || li.getAttribute("data-kind") === kind) &&
        (!language || li.getAttribute("data-language") === language) &&
        (!product || (" " + li.getAttribute("data-products") + " ").indexOf(" " + product + " ") >= 0);
      li.hidden = !ok;
      if (ok) shown++;
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector(".material:not([hidden])");
    });
    var filtered = kind || product || language;
    count.textContent = filtered ? tr("library.showing", { shown: shown, total: items.length }) : "";
    none.hidden = shown > 0;
  }

  function save() {
    if (!window.history || !history.replaceState) return;
    var params = [];
    selects.forEach(function (s) {
      if (s.value) params.push(encodeURIComponent(s.name) + "=" + encodeURIComponent(s.value));
    });
    history.replaceState(null, "", location.pathname + (params.length ? "?" + params.join("&") : "") + location.hash);
  }

  // Restore a shared choice (values that are not offered are ignored).
  var query = location.search.replace(/^\?/, "").split("&");
  query.forEach(function (pair) {
    var kv = pair.split("=");
    var s = form.elements[decodeURIComponent(kv[0] || "")];
    if (!s || !s.options) return;
    var v = decodeURIComponent((kv[1] || "").replace(/\+/g, " "));
    for (var i = 0; i < s.options.length; i++) {
      if (s.options[i].value === v) s.value = v;
    }
  });
  form.hidden = false;
  form.addEventListener("change", function () { apply(); save(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
