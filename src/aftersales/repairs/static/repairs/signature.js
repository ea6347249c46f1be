/* The customer's signature on the technician's phone: drawn with a finger, a pen or a mouse
 * (pointer events) on a <canvas>, sent as a PNG data URL in a hidden input when the form is
 * submitted. An empty pad is refused before anything is sent. No libraries. */
(function () {
  "use strict";

  var MAX_RATIO = 2; // sharper than the screen does not help; it only makes the PNG bigger

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var input = pad.querySelector('input[name="signature"]');
    var clearButton = pad.querySelector("[data-signature-clear]");
    var error = pad.querySelector("[data-signature-error]");
    var form = pad.closest("form");
    var emptyMessage = pad.getAttribute("data-empty-message") || "请客户在框内签名。";
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var empty = true;
    var last = null;

    function size() {
      var ratio = Math.min(window.devicePixelRatio || 1, MAX_RATIO);
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      ctx.fillStyle = "#111";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    function showError(text) {
      error.textContent = text;
      pad.classList.toggle("is-invalid", Boolean(text));
    }

    function markDrawn() {
      if (empty) {
        empty = false;
        showError("");
      }
    }

    function lineTo(p) {
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) return;
      event.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
      markDrawn();
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) events = [event];
      events.forEach(function (e) {
        lineTo(point(e));
      });
    });

    function stop() {
      drawing = false;
      last = null;
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("lostpointercapture", stop);

    function clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      empty = true;
      input.value = "";
    }
    clearButton.addEventListener("click", function () {
      clear();
      showError("");
    });

    // A phone turned sideways changes the box's size; redraw only an empty pad, so that a
    // signature already given is not wiped out.
    window.addEventListener("resize", function () {
      if (empty) size();
    });

    form.addEventListener("submit", function (event) {
      if (empty) {
        event.preventDefault();
        input.value = "";
        showError(emptyMessage);
        canvas.scrollIntoView({ block: "center", behavior: "smooth" });
        return;
      }
      input.value = canvas.toDataURL("image/png");
    });

    size();
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
