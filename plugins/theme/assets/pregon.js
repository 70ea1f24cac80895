/* Featured carousel: buttons, autoplay with pause (WCAG 2.2.2), keyboard. Without this script the
   slides stay a scrollable row with anchor links, so nothing depends on it. */
(function () {
  "use strict";
  var INTERVAL = 7000;
  function setup(root) {
    var list = root.querySelector(".pregon-carousel__slides");
    var slides = list ? list.querySelectorAll(".pregon-carousel__slide") : [];
    var controls = root.querySelector("[data-pregon-controls]");
    if (slides.length < 2 || !controls || root.hasAttribute("data-pregon-ready")) return;
    root.setAttribute("data-pregon-ready", "");
    var dots = root.querySelectorAll("[data-pregon-dot]");
    var pause = root.querySelector("[data-pregon-pause]");
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var current = 0, timer = null, stoppedByUser = reduce;

    function show(i, focus) {
      current = (i + slides.length) % slides.length;
      list.scrollTo({ left: slides[current].offsetLeft - list.offsetLeft, behavior: reduce ? "auto" : "smooth" });
      for (var d = 0; d < dots.length; d++) dots[d].setAttribute("aria-current", d === current ? "true" : "false");
      if (focus) slides[current].querySelector("a").focus({ preventScroll: true });
    }
    function play() { if (!timer && !stoppedByUser) timer = setInterval(function () { show(current + 1); }, INTERVAL); }
    function stop() { clearInterval(timer); timer = null; }
    function label() {
      pause.textContent = stoppedByUser ? "Reproducir" : "Pausar";
      pause.setAttribute("aria-pressed", stoppedByUser ? "true" : "false");
      list.setAttribute("aria-live", stoppedByUser ? "polite" : "off");
    }

    controls.hidden = false;
    root.querySelector("[data-pregon-prev]").addEventListener("click", function () { stoppedByUser = true; stop(); label(); show(current - 1); });
    root.querySelector("[data-pregon-next]").addEventListener("click", function () { stoppedByUser = true; stop(); label(); show(current + 1); });
    pause.addEventListener("click", function () { stoppedByUser = !stoppedByUser; label(); if (stoppedByUser) stop(); else play(); });
    for (var d = 0; d < dots.length; d++) {
      dots[d].addEventListener("click", function (ev) {
        ev.preventDefault(); stoppedByUser = true; stop(); label(); show(Number(this.getAttribute("data-pregon-dot")), true);
      });
    }
    // Motion stops while people read or use the slides.
    root.addEventListener("mouseenter", stop);
    root.addEventListener("mouseleave", play);
    root.addEventListener("focusin", stop);
    root.addEventListener("focusout", function (ev) { if (!root.contains(ev.relatedTarget)) play(); });
    label();
    show(0);
    play();
  }
  function init() {
    var roots = document.querySelectorAll("[data-pregon-carousel]");
    for (var i = 0; i < roots.length; i++) setup(roots[i]);
  }
  // Material's instant navigation swaps pages without a new DOMContentLoaded; it announces them on document$.
  if (window.document$) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
