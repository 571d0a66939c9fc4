/* Signature pads: draw with mouse, finger or pen; the PNG goes into the form's hidden input.
 *
 * Markup: a form with [data-signature-form] holding one [data-signature-pad] (canvas
 * [data-signature-canvas], button [data-signature-clear], error [data-signature-error]) and the
 * hidden input named "image". Optional radio buttons named "method" show the matching
 * [data-method-panel] and decide whether a drawing is needed.
 */
(function () {
  "use strict";

  function setUpPad(form) {
    var root = form.querySelector("[data-signature-pad]");
    if (!root || typeof window.SignaturePad !== "function") {
      return;
    }
    var canvas = root.querySelector("[data-signature-canvas]");
    var error = root.querySelector("[data-signature-error]");
    var input = form.querySelector("input[name='image']");
    var pad = new window.SignaturePad(canvas, {
      penColor: "rgb(16, 32, 96)",
      backgroundColor: "rgba(0, 0, 0, 0)",
      minWidth: 1,
      maxWidth: 3,
    });

    function resize() {
      // Match the canvas's pixels to its size on screen (and the device's pixel ratio),
      // keeping what was drawn.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var data = pad.toData();
      canvas.width = Math.round(canvas.offsetWidth * ratio);
      canvas.height = Math.round(canvas.offsetHeight * ratio);
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (data && data.length) {
        pad.fromData(data);
      }
    }

    window.addEventListener("resize", resize);
    resize();

    pad.addEventListener("beginStroke", function () {
      if (error) {
        error.classList.add("d-none");
      }
    });
    root.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      if (input) {
        input.value = "";
      }
    });

    function method() {
      var checked = form.querySelector("input[name='method']:checked");
      return checked ? checked.value : "drawn";
    }

    function showPanels() {
      var current = method();
      form.querySelectorAll("[data-method-panel]").forEach(function (panel) {
        panel.classList.toggle("d-none", panel.getAttribute("data-method-panel") !== current);
      });
      if (current === "drawn") {
        resize();
      }
    }

    form.querySelectorAll("input[name='method']").forEach(function (radio) {
      radio.addEventListener("change", showPanels);
    });
    showPanels();

    form.addEventListener("submit", function (event) {
      if (method() !== "drawn") {
        input.value = "";
        return;
      }
      if (pad.isEmpty()) {
        event.preventDefault();
        if (error) {
          error.classList.remove("d-none");
        }
        canvas.focus();
        return;
      }
      input.value = pad.toDataURL("image/png");
    });
  }

  document.querySelectorAll("[data-signature-form]").forEach(setUpPad);
})();
