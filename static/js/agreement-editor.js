// Agreement editor: small helpers around htmx (no inline scripts; CSP-friendly).
(function () {
  "use strict";

  function page() {
    return document.getElementById("agreement-page");
  }

  function notify(text, kind) {
    var box = document.getElementById("agreement-notices");
    if (!box || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "danger") + " alert-dismissible";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "×");
    alert.appendChild(close);
    box.appendChild(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  // The server moved a section or a criterion: move its element, so that forms open
  // elsewhere on the page keep what was typed in them. Numbers come from CSS counters.
  document.body.addEventListener("agreementMoved", function (event) {
    var detail = event.detail || {};
    var element = document.getElementById(detail.target);
    if (!element) {
      return;
    }
    if (detail.direction === "up" && element.previousElementSibling) {
      element.parentNode.insertBefore(element, element.previousElementSibling);
    } else if (detail.direction === "down" && element.nextElementSibling) {
      element.parentNode.insertBefore(element.nextElementSibling, element);
    }
    var button = element.querySelector(".move-" + detail.direction + " button");
    if (button && button.offsetParent !== null) {
      button.focus();
    }
  });

  document.body.addEventListener("agreementNotice", function (event) {
    notify((event.detail || {}).message, "warning");
  });

  // htmx does not swap error responses: say so instead of doing nothing.
  document.body.addEventListener("htmx:responseError", function (event) {
    var root = page();
    if (!root) {
      return;
    }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    notify(status === 403 || status === 404 ? root.dataset.errorForbidden : root.dataset.errorOther);
  });
})();
