/* Prepared files: when a file asked for on this page is ready within a few seconds, its download
   starts by itself (the link stays for a second copy). Without JavaScript the link is there to tap. */
(function () {
  "use strict";
  var SOON_MS = 15000;
  var askedAt = 0;
  var pendingSince = {};
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.closest && event.target.closest(".prepare-form, .prepared-file form")) askedAt = Date.now();
  });
  htmx.onLoad(function (root) {
    var panels = root.matches && root.matches(".prepared-file") ? [root] : root.querySelectorAll(".prepared-file");
    Array.prototype.forEach.call(panels, function (panel) {
      if (panel.dataset.status !== "ready") {
        if (!(panel.id in pendingSince)) pendingSince[panel.id] = askedAt || Date.now();
        return;
      }
      var since = panel.id in pendingSince ? pendingSince[panel.id] : askedAt;
      delete pendingSince[panel.id];
      var link = panel.querySelector("a.prepared-download");
      if (link && since && Date.now() - since < SOON_MS && !link.dataset.started) {
        link.dataset.started = "1";
        link.click();
      }
    });
  });
})();
