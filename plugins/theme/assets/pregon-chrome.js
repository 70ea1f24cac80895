/* Pregón site chrome: the announcement (banner or dialog) and the search page.
 * Loaded deferred on every page (registered by pregon.plugins.themedir); no external requests. */
(function () {
  "use strict";

  var DISMISSED = "pregon:aviso"; // sessionStorage: key of the announcement closed this session

  function dismissedKey() {
    try { return sessionStorage.getItem(DISMISSED); } catch (e) { return null; }
  }

  function remember(key) {
    try { sessionStorage.setItem(DISMISSED, key); } catch (e) { /* private mode: forget it */ }
  }

  function expired(el) {
    var when = el.dataset.expires;
    return Boolean(when) && Date.parse(when) <= Date.now();
  }

  function setUpAnnouncement(el) {
    var box = el;
    if (expired(el) || dismissedKey() === el.dataset.key) {
      box.hidden = true;
      return;
    }
    if (el.tagName === "DIALOG") {
      el.addEventListener("close", function () { remember(el.dataset.key); });
      if (typeof el.showModal === "function") el.showModal();
      else el.setAttribute("open", "");
      return;
    }
    var button = el.querySelector("[data-pregon-dismiss]");
    if (button) {
      button.addEventListener("click", function () {
        remember(el.dataset.key);
        box.hidden = true;
        var main = document.getElementById("contenido");
        if (main) main.focus(); // the focused button disappeared: move on to the content
      });
    }
  }

  function setUpSearch(el) {
    if (typeof window.PagefindUI !== "function") return;
    var query = new URLSearchParams(window.location.search).get("q") || "";
    // Pagefind derives its bundle and the site's base path from the script's URL, so the page
    // works under any sub-path. Images stay off: results are read on mobile data too.
    // One bundle per year of releases, merged into the primary one; result URLs are relative
    // to the site root, which is the primary bundle's parent (works under a sub-path too).
    var primary = new URL(el.dataset.pregonPrimary || "pagefind/", window.location.href);
    var root = new URL("../", primary).pathname;
    var merged = [];
    try {
      merged = JSON.parse(el.dataset.pregonMerge || "[]");
    } catch (e) {
      merged = [];
    }
    var ui = new window.PagefindUI({
      element: el,
      showImages: false,
      showSubResults: false,
      // Pagefind shows a filter folded (a bare "Dependencia" heading) once its index has more
      // than one source: the dependencias are the search page's one filter, shown unfolded.
      openFilters: ["dependencia"],
      autofocus: !query,
      mergeIndex: merged.map(function (path) {
        return { bundlePath: new URL(path, window.location.href).pathname, baseUrl: root };
      }),
    });
    // Pagefind's input is named only by its title; people need a visible label.
    var input = el.querySelector(".pagefind-ui__search-input");
    if (input) {
      input.id = "pregon-buscar";
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.className = "pregon-search__label";
      label.textContent = "Escriba las palabras que busca";
      el.insertBefore(label, el.firstChild);
    }
    var header = document.getElementById("pregon-search-q");
    if (header) header.value = query;
    if (query) ui.triggerSearch(query);
  }

  document.querySelectorAll("[data-pregon-announcement]").forEach(setUpAnnouncement);
  document.querySelectorAll("[data-pregon-search]").forEach(setUpSearch);
})();
