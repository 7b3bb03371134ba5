/* kanava default theme — learning paths (issue #15): the reader's progress, "Mark as done",
 * the self-check quizzes and the certificate. Loaded (deferred, after kanava.js) by path
 * pages, the paths index ("Your onboarding"), the certificate page, and pages that are a
 * step of a path or carry a quiz. Without it every page still reads and navigates: the
 * steps, questions and links are in the HTML, and what only works with this script is
 * hidden until it runs. Nothing is fetched; it works from disk (file://) too.
 *
 * Progress is kept in this browser's localStorage, under <body data-progress-key> (one key
 * per site and audience), as JSON:
 *
 *   { "v": 1,
 *     "done":     { "<step url>": "YYYY-MM-DD" },     the day a step was marked done
 *     "quiz":     { "<page url>": { "score": 75, "right": 3, "of": 4, "passed": false,
 *                                   "at": "YYYY-MM-DD" } },   the best attempt, score in %
 *     "last":     "<path url>",                      the path opened last
 *     "finished": { "<path url>": "YYYY-MM-DD" },    the day its last step was done
 *     "name":     "…" }                              the name on certificates
 *
 * URLs are site-relative ("ordering/delivery/"), as in the pages' data-steps; <body
 * data-root> is the way from this page to the site root. A step whose page has a quiz is
 * done when the quiz is passed ("Mark as done" stays available). A path is finished when
 * every one of its steps is done.
 *
 * 1. Step pages: of the paths the page is a step of, the one named by ?path= (else the one
 *    opened last, else the first) shows ("Step 2 of 3" and the block at the end, with its
 *    progress and "Mark as done"); the others hide.
 * 2. Quizzes: "Check my answers" grades in the browser — a question is right when exactly
 *    its right options are chosen — and keeps the best score; passing marks the step done.
 * 3. Path pages: progress bar, "N of M steps done", the next step, each step's state, the
 *    paths to finish first (locked until finished), the certificate link, a reset button.
 * 4. The paths index: each path's progress; export to a file (kanava-progress-<audience>.json:
 *    { "kanava": "progress", "key", "exported", "progress" }), import from one (checked, then
 *    added to this browser's progress or replacing it), reset all.
 * 5. The certificate page: the path named by ?path=, once finished, with its date and the
 *    name the reader types; printable.
 *
 * Once it has run, <html> has a data-paths-ready attribute (the browser tests wait for it).
 */
(function () {
  "use strict";

  var body = document.body;
  var KEY = body && body.getAttribute("data-progress-key");
  if (!KEY) return;
  var ROOT = body.getAttribute("data-root") || "./";
  var FROM_DISK = location.protocol === "file:";
  // The certificate page, site-relative (kanava's `paths::CERTIFICATE`).
  var CERTIFICATE = "paths/certificate/";
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  // Interface strings (issue 18), in the page's language: strings.js reads the page's
  // `<script class="kanava-strings">` blocks; none is written here.
  var tr = window.kanavaTr || function (key) { return key; };

  function value(name) {
    var s = form.elements[name];
    return s ? s.value : "";
  }
  // "75 %", kept on one line.
  var PERCENT = "\u00a0%";

  function all(selector, within) {
    return Array.prototype.slice.call((within || document).querySelectorAll(selector));
  }
  function isObject(x) {
    return x !== null && typeof x === "object" && !Array.isArray(x);
  }
  function isDate(d) {
    return typeof d === "string" && DATE.test(d);
  }
  // A site-relative URL as the templates write them: no scheme, not absolute.
  function isUrl(u) {
    return typeof u === "string" && u.length < 2000 && !/^([a-z][a-z0-9+.\-]*:|\/)/i.test(u) && u !== "__proto__";
  }
  function map() {
    return Object.create(null);
  }
  function eachKey(obj, fn) {
    if (!isObject(obj)) return;
    Object.keys(obj).forEach(function (k) { fn(k, obj[k]); });
  }
  function count(obj) {
    return Object.keys(obj).length;
  }
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  // "2026-03-14" → "14 March 2026" in the page's language.
  function longDate(iso) {
    if (!isDate(iso)) return "";
    var p = iso.split("-");
    var d = new Date(Number(p[0]), Number(p[1]) - 1, Number(p[2]));
    try {
      return d.toLocaleDateString(document.documentElement.lang || undefined, { year: "numeric", month: "long", day: "numeric" });
    } catch (e) {
      return iso;
    }
  }
  function doneText(done, total) {
    return tr("path.done_of", { done: done, steps: tr("count.steps", { count: total }) });
  }
  // A site-relative URL as a link from this page (from disk, "folder/" is "folder/index.html").
  function href(url, query) {
    var h = ROOT + url;
    if (FROM_DISK && h.charAt(h.length - 1) === "/") h += "index.html";
    return h + (query || "");
  }
  function pathQuery(url) {
    return "?path=" + encodeURIComponent(url);
  }
  // The value of ?name= in this page's address, or null.
  function param(name) {
    var m = new RegExp("[?&]" + name + "=([^&#]*)").exec(location.search);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1].replace(/\+/g, " "));
    } catch (e) {
      return null;
    }
  }
  function stepsOf(el) {
    return (el.getAttribute("data-steps") || "").split(/\s+/).filter(Boolean);
  }
  // "<span aria-hidden>✓</span> text" in `el`, replacing what it had.
  function say(el, mark, text) {
    el.textContent = "";
    if (mark) {
      var m = document.createElement("span");
      m.className = "path-mark";
      m.setAttribute("aria-hidden", "true");
      m.textContent = mark;
      el.appendChild(m);
      el.appendChild(document.createTextNode(" "));
    }
    el.appendChild(document.createTextNode(text));
  }

  // ---- progress ------------------------------------------------------------------------

  function empty() {
    return { v: 1, done: map(), quiz: map(), finished: map(), last: "", name: "" };
  }

  // Progress as read from storage or a file, keeping only what is well-formed; null when it
  // is not progress at all.
  function clean(raw) {
    if (!isObject(raw) || raw.v !== 1 || !isObject(raw.done)) return null;
    var p = empty();
    eachKey(raw.done, function (url, d) {
      if (isUrl(url) && isDate(d)) p.done[url] = d;
    });
    eachKey(raw.quiz, function (url, q) {
      if (!isUrl(url) || !isObject(q)) return;
      var score = Number(q.score);
      if (typeof q.score !== "number" || !(score >= 0 && score <= 100)) return;
      var r = { score: Math.round(score), passed: q.passed === true, at: isDate(q.at) ? q.at : "" };
      if (typeof q.right === "number" && typeof q.of === "number" && q.of > 0 && q.right >= 0 && q.right <= q.of) {
        r.right = Math.floor(q.right);
        r.of = Math.floor(q.of);
      }
      p.quiz[url] = r;
    });
    eachKey(raw.finished, function (url, d) {
      if (isUrl(url) && isDate(d)) p.finished[url] = d;
    });
    if (isUrl(raw.last)) p.last = raw.last;
    if (typeof raw.name === "string") p.name = raw.name.slice(0, 200);
    return p;
  }

  // localStorage, or null when this browser will not keep anything (turned off, or full).
  var store = null;
  try {
    store = window.localStorage;
    store.setItem(KEY + ":test", "1");
    store.removeItem(KEY + ":test");
  } catch (e) {
    store = null;
  }

  function load() {
    if (!store) return empty();
    try {
      var text = store.getItem(KEY);
      var p = text ? clean(JSON.parse(text)) : null;
      // Nothing kept, or not readable: start again (what was there is replaced on the next
      // change).
      return p || empty();
    } catch (e) {
      return empty();
    }
  }

  var progress = load();

  function save() {
    if (store) {
      try {
        store.setItem(KEY, JSON.stringify(progress));
        return true;
      } catch (e) {
        store = null;
      }
    }
    cannotSave();
    return false;
  }

  // Progress that cannot be kept is said once, at the top of the page.
  var warned = false;
  function cannotSave() {
    if (warned) return;
    warned = true;
    var note = document.createElement("p");
    note.className = "path-nosave";
    note.setAttribute("role", "status");
    note.textContent = tr("path.nosave");
    var doc = document.querySelector("#main .doc") || document.getElementById("main") || body;
    var header = doc.querySelector(".doc-header");
    doc.insertBefore(note, header ? header.nextSibling : doc.firstChild);
  }

  function doneCount(steps) {
    return steps.filter(function (s) { return progress.done[s]; }).length;
  }
  function isComplete(steps) {
    return steps.length > 0 && doneCount(steps) === steps.length;
  }
  // The day the last of `steps` was done.
  function lastDate(steps) {
    return steps.reduce(function (last, s) {
      var d = progress.done[s];
      return d && d > last ? d : last;
    }, "");
  }

  // The paths this page knows the steps of: url → steps.
  function knownPaths() {
    var paths = map();
    all("[data-path][data-steps]").forEach(function (el) {
      paths[el.getAttribute("data-path")] = stepsOf(el);
    });
    all("[data-certificate-for][data-steps]").forEach(function (el) {
      paths[el.getAttribute("data-certificate-for")] = stepsOf(el);
    });
    return paths;
  }

  // Records when each path this page knows was finished (or that it no longer is, when a
  // step was undone): path pages show their prerequisites locked until then. True when
  // something changed.
  function reconcile() {
    var paths = knownPaths();
    var changed = false;
    Object.keys(paths).forEach(function (url) {
      if (isComplete(paths[url])) {
        var day = lastDate(paths[url]);
        if (progress.finished[url] !== day) {
          progress.finished[url] = day;
          changed = true;
        }
      } else if (progress.finished[url]) {
        delete progress.finished[url];
        changed = true;
      }
    });
    return changed;
  }

  // After a change: record it and show it everywhere on the page.
  function changed() {
    reconcile();
    save();
    refresh();
  }

  var refreshers = [];
  function refresh() {
    refreshers.forEach(function (f) { f(); });
  }

  // A progress bar: `el` holds the bar as its first child.
  function bar(el, done, total, label) {
    if (!el) return;
    el.hidden = false;
    el.setAttribute("role", "progressbar");
    if (label && !el.hasAttribute("aria-label")) el.setAttribute("aria-label", label);
    el.setAttribute("aria-valuemin", "0");
    el.setAttribute("aria-valuemax", String(total));
    el.setAttribute("aria-valuenow", String(done));
    el.setAttribute("aria-valuetext", doneText(done, total));
    el.classList.toggle("is-complete", total > 0 && done === total);
    var fill = el.firstElementChild;
    if (fill) fill.style.width = (total ? Math.round((done * 100) / total) : 0) + "%";
  }

  // ---- 1. step pages ---------------------------------------------------------------------

  var blocks = all("[data-path-step]");
  var wheres = all("[data-path-where]");
  var members = (blocks.length ? blocks : wheres).map(function (el) { return el.getAttribute("data-path"); });
  if (members.length) {
    var asked = param("path");
    var chosen = asked !== null && members.indexOf(asked) >= 0 ? asked
      : members.indexOf(progress.last) >= 0 ? progress.last : members[0];
    // Coming from a path (its links name it) makes it the path opened last.
    if (chosen === asked && progress.last !== asked) {
      progress.last = asked;
      save();
    }
    if (members.length > 1) {
      blocks.concat(wheres).forEach(function (el) {
        el.hidden = el.getAttribute("data-path") !== chosen;
      });
    }
    blocks.forEach(function (block) {
      var step = block.getAttribute("data-step");
      var button = block.querySelector("[data-mark-done]");
      var where = block.querySelector(".path-step-where");
      var tally = null;
      if (where) {
        tally = document.createElement("span");
        tally.className = "path-step-tally";
        where.appendChild(tally);
      }
      // The path's title: the link to it in "Step 3 of 7 · <title>".
      var title = (block.querySelector(".path-step-where a") || {}).textContent || "";
      // A step with a quiz is done when its quiz is passed, never by a click: the
      // certificate says every step and every quiz is done.
      if (button && document.querySelector("[data-quiz]")) button = null;
      if (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          if (progress.done[step]) delete progress.done[step];
          else progress.done[step] = today();
          changed();
        });
      }
      refreshers.push(function () {
        var steps = stepsOf(block);
        var done = doneCount(steps);
        bar(block.querySelector("[data-path-progress]"), done, steps.length, tr("path.progress_in", { title: title }));
        if (tally) tally.textContent = " · " + doneText(done, steps.length);
        var isDone = !!progress.done[step];
        if (button) button.setAttribute("aria-pressed", isDone ? "true" : "false");
        block.classList.toggle("is-done", isDone);
        block.classList.toggle("is-complete", isComplete(steps));
      });
    });
  }

  // ---- 2. quizzes ------------------------------------------------------------------------

  all("[data-quiz]").forEach(function (box) {
    var form = box.querySelector("[data-quiz-form]") || box.querySelector("form");
    var step = box.getAttribute("data-step") || "";
    var pass = Number(box.getAttribute("data-pass"));
    if (!(pass >= 0 && pass <= 100)) pass = 80;
    var questions = all("[data-question]", box);
    var check = box.querySelector("[data-quiz-check]");
    var retry = box.querySelector("[data-quiz-retry]");
    var result = box.querySelector("[data-quiz-result]");
    if (!form || !check || !result || !questions.length) return;
    var graded = false;

    function summary(q) {
      return q.right !== undefined ? tr("quiz.summary", { right: q.right, total: q.of, score: q.score + PERCENT }) : q.score + PERCENT;
    }
    function stored() {
      var q = progress.quiz[step];
      if (!q) return "";
      return (q.at ? tr("quiz.best_on", { date: longDate(q.at), summary: summary(q) }) : tr("quiz.best", { summary: summary(q) })) +
        tr(q.passed ? "quiz.best_passed" : "quiz.best_not_passed");
    }

    function grade() {
      var right = 0;
      questions.forEach(function (q) {
        var answers = (q.getAttribute("data-answers") || "").split(/\s+/).filter(Boolean).sort();
        var inputs = all("input", q);
        var picked = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).sort();
        var ok = picked.length === answers.length && picked.every(function (v, k) { return v === answers[k]; });
        if (ok) right++;
        q.classList.toggle("is-right", ok);
        q.classList.toggle("is-wrong", !ok);
        var feedback = q.querySelector("[data-feedback]");
        if (feedback) {
          feedback.hidden = false;
          say(feedback, ok ? "✓" : "✗", ok ? tr("quiz.right") : picked.length ? tr(answers.length > 1 ? "quiz.not_quite_multiple" : "quiz.not_quite") : tr("quiz.not_answered"));
        }
        var explain = q.querySelector("[data-explain]");
        if (explain) explain.hidden = false;
      });
      var total = questions.length;
      var score = Math.round((right * 100) / total);
      var passed = right * 100 >= pass * total;
      var attempt = { score: score, right: right, of: total, passed: passed, at: today() };
      var best = progress.quiz[step];
      if (!best || (passed && !best.passed) || (passed === best.passed && score >= best.score)) {
        progress.quiz[step] = attempt;
      }
      if (passed && !progress.done[step]) progress.done[step] = today();
      graded = true;
      result.classList.toggle("is-passed", passed);
      result.classList.toggle("is-failed", !passed);
      var sum = tr("quiz.summary", { right: right, total: total, score: score + PERCENT });
      say(result, passed ? "✓" : "✗", passed
        ? tr(blocks.length ? "quiz.result_passed_step" : "quiz.result_passed", { summary: sum })
        : tr("quiz.result_failed", { summary: sum, pass: pass + PERCENT }));
      check.hidden = true;
      if (retry) {
        retry.hidden = false;
        retry.focus();
      }
      changed();
    }

    // Back to answering: "Try again" clears the answers; changing one after the check keeps
    // them (and hides the feedback, which was about the answers checked).
    function ungrade(clear) {
      questions.forEach(function (q) {
        q.classList.remove("is-right", "is-wrong");
        if (clear) all("input", q).forEach(function (i) { i.checked = false; });
        all("[data-feedback], [data-explain]", q).forEach(function (el) { el.hidden = true; });
      });
      graded = false;
      result.classList.remove("is-passed", "is-failed");
      result.textContent = stored();
      if (retry) retry.hidden = true;
      check.hidden = false;
    }
    function again() {
      ungrade(true);
      var first = box.querySelector("[data-question] input");
      if (first) first.focus();
    }

    check.hidden = false;
    result.textContent = stored();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!graded) grade();
    });
    if (retry) retry.addEventListener("click", again);
    form.addEventListener("change", function () {
      if (graded) ungrade(false);
    });
    refreshers.push(function () {
      if (!graded) result.textContent = stored();
    });
  });

  // ---- 3. path pages ---------------------------------------------------------------------

  var pathPage = document.querySelector("[data-path-page]");
  if (pathPage) {
    var pathUrl = pathPage.getAttribute("data-path");
    var pathSteps = stepsOf(pathPage);
    var status = pathPage.querySelector("[data-path-status]");
    var progressText = pathPage.querySelector("[data-path-progress-text]");
    var next = pathPage.querySelector("[data-path-next]");
    var complete = pathPage.querySelector("[data-path-complete]");
    var tools = pathPage.querySelector("[data-path-tools]");
    var items = all("[data-step]", pathPage).filter(function (el) { return el.tagName === "LI"; });
    var pathTitle = (pathPage.querySelector("h1") || {}).textContent || "this path";

    if (progress.last !== pathUrl) {
      progress.last = pathUrl;
      save();
    }
    if (status) status.hidden = false;
    if (tools) {
      tools.hidden = false;
      var reset = tools.querySelector("[data-path-reset]");
      if (reset) reset.addEventListener("click", function () {
        if (!window.confirm(tr("path.reset_confirm", { title: pathTitle }))) return;
        pathSteps.forEach(function (s) {
          delete progress.done[s];
          delete progress.quiz[s];
        });
        delete progress.finished[pathUrl];
        changed();
      });
    }
    all("[data-required-path]", pathPage).forEach(function (li) {
      var ok = document.createElement("span");
      ok.className = "path-unlocked";
      ok.hidden = true;
      say(ok, "✓", tr("path.state_finished"));
      li.appendChild(ok);
    });

    refreshers.push(function () {
      var done = doneCount(pathSteps);
      var total = pathSteps.length;
      bar(pathPage.querySelector("[data-path-progress]"), done, total);
      if (progressText) progressText.textContent = doneText(done, total) + (done === total && total ? "." : "");
      var first = null;
      items.forEach(function (li) {
        var url = li.getAttribute("data-step");
        var isDone = !!progress.done[url];
        var isNext = !isDone && !first;
        if (isNext) first = li;
        li.classList.toggle("is-done", isDone);
        li.classList.toggle("is-next", isNext);
        var state = li.querySelector("[data-step-state]");
        if (!state) return;
        var q = progress.quiz[url];
        if (isDone) say(state, "✓", tr("path.state_done"));
        else if (q && !q.passed) say(state, "", tr("quiz.state_failed", { score: q.score + PERCENT }));
        else if (isNext) say(state, "→", tr("path.state_next"));
        else state.textContent = "";
      });
      if (next) {
        next.hidden = !first;
        next.textContent = "";
        if (first) {
          var link = first.querySelector("a");
          next.appendChild(document.createTextNode(tr(done ? "path.next_step" : "path.start_with")));
          if (link) next.appendChild(link.cloneNode(true));
        }
      }
      if (complete) complete.hidden = !(total && done === total);
      pathPage.classList.toggle("is-complete", total > 0 && done === total);
      var locked = false;
      all("[data-required-path]", pathPage).forEach(function (li) {
        var finished = !!progress.finished[li.getAttribute("data-required-path")];
        if (!finished) locked = true;
        li.classList.toggle("is-locked", !finished);
        li.classList.toggle("is-finished", finished);
        var lock = li.querySelector("[data-lock]");
        if (lock) lock.hidden = finished;
        var ok = li.querySelector(".path-unlocked");
        if (ok) ok.hidden = !finished;
      });
      pathPage.classList.toggle("is-locked", locked);
    });
  }

  // ---- 4. the paths index ----------------------------------------------------------------

  var cards = all("[data-path-card]");
  cards.forEach(function (card) {
    var url = card.getAttribute("data-path");
    var steps = stepsOf(card);
    var text = card.querySelector("[data-path-progress-text]");
    var title = (card.querySelector(".paths-title a") || {}).textContent || "";
    refreshers.push(function () {
      var done = doneCount(steps);
      bar(card.querySelector("[data-path-progress]"), done, steps.length, tr("path.progress_in", { title: title }));
      var finished = isComplete(steps);
      card.classList.toggle("is-complete", finished);
      card.classList.toggle("is-started", done > 0);
      if (!text) return;
      if (finished) {
        var day = progress.finished[url] || lastDate(steps);
        say(text, "✓", tr("path.finished_on", { date: longDate(day) }));
        var a = document.createElement("a");
        a.href = href(CERTIFICATE, pathQuery(url));
        a.textContent = tr("path.your_certificate");
        text.appendChild(a);
      } else {
        text.textContent = done ? doneText(done, steps.length) : tr("path.not_started");
      }
    });
  });

  var transfer = document.querySelector("[data-paths-transfer]");
  if (transfer) {
    var exportButton = transfer.querySelector("[data-progress-export]");
    var importInput = transfer.querySelector("[data-progress-import]");
    var resetAll = transfer.querySelector("[data-progress-reset]");
    var transferStatus = transfer.querySelector("[data-progress-status]");
    var tell = function (text, bad) {
      if (!transferStatus) return;
      transferStatus.textContent = text;
      transferStatus.classList.toggle("is-error", !!bad);
    };
    var audience = KEY.slice(KEY.lastIndexOf(":") + 1).replace(/[^A-Za-z0-9_-]+/g, "-");
    var fileName = "kanava-progress" + (audience ? "-" + audience : "") + ".json";
    var what = function (p) {
      return tr("paths.what", {
        steps: tr("count.steps", { count: count(p.done) }),
        results: tr("paths.quiz_results", { count: count(p.quiz) })
      });
    };

    // Merge or replace: chosen before importing.
    var actions = transfer.querySelector(".paths-transfer-actions");
    var mode = document.createElement("fieldset");
    mode.className = "paths-import-mode";
    var legend = document.createElement("legend");
    legend.textContent = tr("paths.import_mode");
    mode.appendChild(legend);
    [["merge", "paths.import_merge"], ["replace", "paths.import_replace"]].forEach(function (choice) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "kanava-import-mode";
      radio.value = choice[0];
      radio.checked = choice[0] === "merge";
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + tr(choice[1])));
      mode.appendChild(label);
    });
    transfer.insertBefore(mode, actions || transferStatus);

    transfer.hidden = false;
    if (exportButton) exportButton.addEventListener("click", function () {
      var data = { kanava: "progress", key: KEY, exported: today(), progress: progress };
      var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = fileName;
      a.hidden = true;
      body.appendChild(a);
      a.click();
      body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
      tell(tr("paths.exported", { what: what(progress), file: fileName }));
    });

    if (importInput) importInput.addEventListener("change", function () {
      var file = importInput.files && importInput.files[0];
      if (!file) return;
      var name = file.name;
      var replace = !!mode.querySelector("input[value=replace]:checked");
      var fail = function (why) {
        tell(tr(why, { file: name }), true);
        importInput.value = "";
      };
      if (file.size > 1000000) return fail("paths.import_too_large");
      var reader = new FileReader();
      reader.onerror = function () { fail("paths.import_unreadable"); };
      reader.onload = function () {
        var raw;
        try {
          raw = JSON.parse(String(reader.result));
        } catch (e) {
          return fail("paths.import_not_json");
        }
        if (isObject(raw) && raw.kanava === "progress") {
          if (raw.key !== KEY) return fail("paths.import_other_site");
          raw = raw.progress;
        }
        var got = clean(raw);
        if (!got) return fail("paths.import_not_progress");
        if (replace) {
          if (!got.name) got.name = progress.name;
          progress = got;
          changed();
          tell(tr("paths.replaced", { file: name, what: what(got) }));
        } else {
          var added = merge(got);
          changed();
          tell(tr("paths.imported", { file: name, what: what(got), "new": tr("paths.new_steps", { count: added }) }));
        }
        importInput.value = "";
      };
      reader.readAsText(file);
    });

    if (resetAll) resetAll.addEventListener("click", function () {
      if (!window.confirm(tr("paths.reset_all_confirm"))) return;
      var name = progress.name;
      progress = empty();
      progress.name = name;
      changed();
      tell(tr("paths.reset_done"));
    });
  }

  // Adds progress `got` to this browser's: a step keeps the day it was first done, a quiz its
  // best attempt. Returns how many steps were new.
  function merge(got) {
    var added = 0;
    eachKey(got.done, function (url, d) {
      if (!progress.done[url]) added++;
      if (!progress.done[url] || d < progress.done[url]) progress.done[url] = d;
    });
    eachKey(got.quiz, function (url, q) {
      var best = progress.quiz[url];
      if (!best || (q.passed && !best.passed) || (q.passed === best.passed && q.score > best.score)) progress.quiz[url] = q;
    });
    eachKey(got.finished, function (url, d) {
      if (!progress.finished[url] || d < progress.finished[url]) progress.finished[url] = d;
    });
    if (!progress.last) progress.last = got.last;
    if (!progress.name) progress.name = got.name;
    return added;
  }

  // ---- 5. the certificate ----------------------------------------------------------------

  var certificate = document.querySelector("[data-certificate]");
  if (certificate) {
    var wanted = param("path");
    var section = all("[data-certificate-for]", certificate).filter(function (s) {
      return s.getAttribute("data-certificate-for") === wanted;
    })[0];
    var missing = certificate.querySelector("[data-certificate-missing]");
    var incomplete = certificate.querySelector("[data-certificate-incomplete]");
    var certForm = certificate.querySelector("[data-certificate-form]");
    var input = certificate.querySelector("[data-certificate-input]");
    var print = certificate.querySelector("[data-certificate-print]");
    if (section) {
      var back = incomplete && incomplete.querySelector("[data-certificate-path]");
      if (back) back.setAttribute("href", href(wanted));
      if (input) {
        input.value = progress.name;
        input.addEventListener("input", function () {
          progress.name = input.value.replace(/\s+/g, " ").trim().slice(0, 200);
          save();
          refresh();
        });
      }
      if (certForm) certForm.addEventListener("submit", function (event) { event.preventDefault(); });
      if (print) print.addEventListener("click", function () { window.print(); });
      refreshers.push(function () {
        var steps = stepsOf(section);
        var done = isComplete(steps);
        if (missing) missing.hidden = true;
        if (incomplete) incomplete.hidden = done;
        section.hidden = !done;
        if (certForm) certForm.hidden = !done;
        certificate.classList.toggle("is-ready", done);
        if (!done) return;
        var name = section.querySelector("[data-certificate-name]");
        if (name) {
          name.textContent = progress.name;
          name.classList.toggle("is-empty", !progress.name);
        }
        var date = section.querySelector("[data-certificate-date]");
        if (date) date.textContent = longDate(progress.finished[wanted] || lastDate(steps));
      });
    }
  }

  // ---- start -----------------------------------------------------------------------------

  if (!store) cannotSave();
  if (reconcile()) save();
  refresh();
  // For tests and themes: the page shows the reader's progress.
  document.documentElement.setAttribute("data-paths-ready", "");
  // Progress changed in another tab, or this page comes back from the back/forward cache.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) {
      progress = load();
      refresh();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      progress = load();
      refresh();
    }
  });
})();
