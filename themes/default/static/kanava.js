/* kanava default theme — small progressive enhancements; the site works without them.
 *
 * 1. Opened from disk (file://), a link to "folder/" shows a directory listing instead of the
 *    page, so internal links ending in "/" are rewritten to ".../index.html".
 * 2. A table's scroll box or a code block is a tab stop (`tabindex="0"` in the HTML, so that
 *    keyboard users can scroll it) only while it does scroll: one that fits is no stop.
 * 3. On phones, the header's menu link (a plain jump to the navigation without JavaScript)
 *    becomes a button that shows and hides the navigation.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  // 1. Links that work from disk.
  if (location.protocol === "file:") {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      // Internal links only: no scheme ("https:", "mailto:"), not protocol-relative.
      if (/^[a-z][a-z0-9+.\-]*:/i.test(href) || href.slice(0, 2) === "//") continue;
      var cut = href.search(/[?#]/);
      var path = cut < 0 ? href : href.slice(0, cut);
      var rest = cut < 0 ? "" : href.slice(cut);
      if (path === "." || path === "..") path += "/";
      if (path.charAt(path.length - 1) === "/") {
        links[i].setAttribute("href", path + "index.html" + rest);
      }
    }
  }

  // 2. Scroll boxes that do not scroll are no tab stops.
  var boxes = document.querySelectorAll(".table-scroll[tabindex], .compare-scroll[tabindex], pre.code[tabindex]");
  function stops() {
    for (var b = 0; b < boxes.length; b++) {
      var box = boxes[b];
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box !== document.activeElement) box.removeAttribute("tabindex");
    }
  }
  if (boxes.length) {
    stops();
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(stops);
      for (var o = 0; o < boxes.length; o++) {
        observer.observe(boxes[o]);
        if (boxes[o].firstElementChild) observer.observe(boxes[o].firstElementChild);
      }
    } else {
      window.addEventListener("resize", stops);
    }
  }

  // 3. The navigation toggle (phones).
  var toggle = document.querySelector("[data-nav-toggle]");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;

  toggle.setAttribute("role", "button");
  toggle.setAttribute("aria-expanded", "false");

  function setOpen(open) {
    root.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    setOpen(!root.classList.contains("nav-open"));
  });
  // A link with role="button" must also react to the space bar.
  toggle.addEventListener("keydown", function (event) {
    if (event.key === " ") {
      event.preventDefault();
      setOpen(!root.classList.contains("nav-open"));
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.classList.contains("nav-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
  // Following a link inside the navigation (e.g. to a heading on this page) closes it.
  nav.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) setOpen(false);
  });
  // Widening the window past the phone layout closes it too.
  if (window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48em)");
    var onChange = function () { if (wide.matches) setOpen(false); };
    if (wide.addEventListener) wide.addEventListener("change", onChange);
    else if (wide.addListener) wide.addListener(onChange);
  }
})();
