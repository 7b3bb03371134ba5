// Interface strings for the theme's scripts (issue 18, docs/languages.md): each template that
// loads a script writes the texts it shows into a `<script type="application/json"
// class="kanava-strings">` block, in the page's language. `kanavaTr(key, args)` gives a
// text with `{name}`s filled from `args`; with `args.count`, its `.one` or `.other` form (in
// French 0 and 1 are "one"). Loaded first (deferred, in <head>), so every script finds it.
(function () {
  "use strict";
  var strings = null;
  function load() {
    strings = {};
    Array.prototype.forEach.call(document.querySelectorAll("script.kanava-strings"), function (el) {
      try {
        var s = JSON.parse(el.textContent);
        for (var k in s) strings[k] = s[k];
      } catch (e) { /* a broken block leaves its keys out */ }
    });
  }
  var lang = (document.documentElement.lang || "en").split("-")[0];
  window.kanavaTr = function (key, args) {
    if (!strings) load();
    var text = strings[key];
    if (args && typeof args.count === "number" && strings[key + ".one"] !== undefined) {
      var n = args.count;
      var one = lang === "fr" ? n >= 0 && n < 2 : n === 1;
      text = strings[key + (one ? ".one" : ".other")];
    }
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return args && Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : m;
    });
  };
})();
