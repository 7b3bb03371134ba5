// kanava serve's page script (never in `kanava build`'s output): reloads the page after
// each good build, shows a build's errors over the last good page, and adds the view bar
// (audience, stage, "as of"). No dependencies; everything it adds is inside #kanava-serve.
(function () {
  "use strict";
  var root = document.createElement("div");
  root.id = "kanava-serve";
  root.setAttribute("style", "all:initial");
  var shadow = root.attachShadow ? root.attachShadow({ mode: "open" }) : root;
  var style = document.createElement("style");
  style.textContent = [
    ":host, .wrap { font: 14px/1.4 system-ui, sans-serif; color: #111; }",
    ".bar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 2147483646; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .4rem .75rem; background: #1c2430; color: #fff; box-shadow: 0 -2px 8px rgba(0,0,0,.25); }",
    ".bar strong { font-weight: 600; }",
    ".bar label { display: inline-flex; gap: .35rem; align-items: center; }",
    ".bar select, .bar input, .bar button { font: inherit; min-height: 32px; border-radius: 4px; border: 1px solid #8a94a3; padding: 0 .4rem; }",
    ".bar button { background: #fff; color: #1c2430; cursor: pointer; }",
    ".state { margin-left: auto; opacity: .85; }",
    ".overlay { position: fixed; left: 0; right: 0; top: 0; max-height: 70vh; overflow: auto; z-index: 2147483647; background: #fff5f5; color: #5c0011; border-bottom: 3px solid #c00; padding: 1rem 1.25rem; box-shadow: 0 4px 16px rgba(0,0,0,.3); }",
    ".overlay h2 { font-size: 16px; margin: 0 0 .5rem; }",
    ".overlay li { margin: 0 0 .6rem; }",
    ".overlay code { font: 13px/1.4 ui-monospace, monospace; }",
    ".overlay .help { color: #333; }",
    ".overlay button { float: right; font: inherit; }"
  ].join("\n");
  shadow.appendChild(style);
  var overlay = document.createElement("div");
  overlay.className = "overlay";
  overlay.setAttribute("role", "alert");
  overlay.hidden = true;
  var bar = document.createElement("div");
  bar.className = "bar";
  bar.setAttribute("role", "region");
  bar.setAttribute("aria-label", "kanava serve: view as");
  shadow.appendChild(overlay);
  shadow.appendChild(bar);

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  // The audience is the first folder of the address (none for a site without audiences);
  // a language other than the default, the next (issue 18).
  function split(status) {
    var parts = location.pathname.split("/").slice(1);
    var named = status.audiences.some(function (a) { return a.name && a.name === parts[0]; });
    var audience = named ? parts.shift() : "";
    var others = (status.languages || []).slice(1);
    var language = parts.length > 1 && others.indexOf(parts[0]) >= 0 ? parts.shift() : "";
    return { audience: audience, language: language, rest: parts.join("/") };
  }

  // The root of an audience's site in a language ("" = the default language).
  function viewRoot(audience, language) {
    return "/" + (audience ? audience + "/" : "") + (language ? language + "/" : "");
  }

  // The same page in another view, or that view's home when it has none.
  function go(home, rest) {
    fetch(home + rest, { method: "HEAD" }).then(function (r) {
      location.href = r.ok ? home + rest : home;
    }, function () { location.href = home; });
  }

  function showProblems(status) {
    var errors = status.problems.filter(function (p) { return p.severity === "error"; });
    overlay.textContent = "";
    if (!errors.length) { overlay.hidden = true; return false; }
    var close = el("button", { type: "button" }, "Hide");
    close.addEventListener("click", function () { overlay.hidden = true; });
    overlay.appendChild(close);
    overlay.appendChild(el("h2", {}, "Build failed: " + errors.length + (errors.length === 1 ? " error" : " errors") + " — this page is the last good build"));
    var list = el("ol");
    errors.forEach(function (p) {
      var li = el("li");
      var where = p.file ? p.file + (p.line ? ":" + p.line + (p.column ? ":" + p.column : "") : "") : "";
      li.appendChild(el("code", { "class": "where" }, where ? where + " " : ""));
      li.appendChild(el("span", { "class": "message" }, p.message + " [" + p.code + "]"));
      if (p.help) li.appendChild(el("div", { "class": "help" }, "help: " + p.help));
      list.appendChild(li);
    });
    overlay.appendChild(list);
    overlay.hidden = false;
    return true;
  }

  function showBar(status) {
    bar.textContent = "";
    bar.appendChild(el("strong", {}, "kanava serve"));
    var here = split(status);
    if (status.audiences.length > 1 || (status.audiences[0] && status.audiences[0].name)) {
      var label = el("label", {}, "View as ");
      var select = el("select", { name: "audience" });
      status.audiences.forEach(function (a) {
        var o = el("option", { value: a.name }, a.title);
        if (a.name === here.audience) o.selected = true;
        select.appendChild(o);
      });
      select.addEventListener("change", function () {
        go(viewRoot(select.value, here.language), here.rest);
      });
      label.appendChild(select);
      bar.appendChild(label);
    }
    if ((status.languages || []).length > 1) {
      var langLabel = el("label", {}, "Language ");
      var lang = el("select", { name: "language" });
      status.languages.forEach(function (code, i) {
        var o = el("option", { value: i === 0 ? "" : code }, code);
        if ((i === 0 ? "" : code) === here.language) o.selected = true;
        lang.appendChild(o);
      });
      lang.addEventListener("change", function () {
        go(viewRoot(here.audience, lang.value), here.rest);
      });
      langLabel.appendChild(lang);
      bar.appendChild(langLabel);
    }
    var stageLabel = el("label", {}, "Stage ");
    var stage = el("select", { name: "stage" });
    ["production", "staging", "preview"].forEach(function (s) {
      var o = el("option", { value: s }, s);
      if (s === status.view.stage) o.selected = true;
      stage.appendChild(o);
    });
    stageLabel.appendChild(stage);
    bar.appendChild(stageLabel);
    var atLabel = el("label", {}, "As of ");
    var at = el("input", { type: "datetime-local", name: "at" });
    if (status.view.at) at.value = status.view.at.length === 10 ? status.view.at + "T00:00" : status.view.at.slice(0, 16);
    atLabel.appendChild(at);
    bar.appendChild(atLabel);
    var apply = el("button", { type: "button" }, "Apply");
    apply.addEventListener("click", function () {
      state.textContent = "rebuilding…";
      fetch("/__kanava/view?stage=" + encodeURIComponent(stage.value) + "&at=" + encodeURIComponent(at.value));
    });
    bar.appendChild(apply);
    var now = el("button", { type: "button" }, "Now");
    now.addEventListener("click", function () {
      at.value = "";
      apply.click();
    });
    bar.appendChild(now);
    var state = el("span", { "class": "state", "aria-live": "polite" }, status.building ? "building…" : "build " + status.generation);
    bar.appendChild(state);
  }

  var generation = null;
  function refresh(reloadIfGood) {
    fetch("/__kanava/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
      var failed = showProblems(status);
      if (reloadIfGood && !failed && generation !== null && status.generation !== generation) {
        location.reload();
        return;
      }
      generation = status.generation;
      showBar(status);
    });
  }

  function start() {
    document.body.appendChild(root);
    refresh(false);
    if (window.EventSource) {
      // The page showing: builds render it first.
      var events = new EventSource("/__kanava/events?page=" + encodeURIComponent(location.pathname));
      events.addEventListener("build", function () { refresh(true); });
      events.addEventListener("status", function () { refresh(false); });
    }
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
