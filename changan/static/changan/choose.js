// Choosing the place on the report page: "use my location" jumps straight to
// the form at the phone's position; without it, the list works as it is.
(function () {
  "use strict";
  var p = document.getElementById("near-me");
  if (!p || !navigator.geolocation) return;
  p.hidden = false;
  p.querySelector("button").addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      window.location.href = p.dataset.report + "?at=" + pos.coords.longitude.toFixed(6) + "," + pos.coords.latitude.toFixed(6);
    }, function () { p.textContent = p.dataset.failed; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
