// Conveniences on the report page; the form works without them.
// - the phone's location or a pin on the map (Leaflet loaded only when asked)
// - sending the SMS code without sending the whole form (photos stay chosen)
// - the "same thing nearby" list narrowed to the chosen category
// Grid names reach the map as text (labels.js).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var tools = document.getElementById("where-tools");
  var status = document.getElementById("where-status");
  var marker = null;

  function say(text) { status.textContent = text; }
  function setPoint(lon, lat, text) {
    form.elements.lon.value = lon.toFixed(6);
    form.elements.lat.value = lat.toFixed(6);
    if (marker) marker.setLatLng([lat, lon]);
    say(text);
  }

  if (tools) {
    tools.hidden = false;
    document.getElementById("use-gps").addEventListener("click", function () {
      if (!navigator.geolocation) { say(tools.dataset.failed); return; }
      say(tools.dataset.locating);
      navigator.geolocation.getCurrentPosition(function (p) {
        setPoint(p.coords.longitude, p.coords.latitude,
          tools.dataset.located.replace("{m}", String(Math.round(p.coords.accuracy))));
      }, function () { say(tools.dataset.failed); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    document.getElementById("pin-map").addEventListener("click", function () {
      var box = document.getElementById("pin-box");
      if (!box.hidden) return;
      box.hidden = false;
      loadLeaflet(function () { showMap(box); });
    });
  }

  function loadLeaflet(done) {
    if (window.L) { done(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = tools.dataset.leafletCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = tools.dataset.leafletJs; js.onload = done;
    document.head.appendChild(js);
  }

  function showMap(box) {
    var map = L.map(box, { attributionControl: false });
    if (tools.dataset.tiles) L.tileLayer(tools.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var lon = parseFloat(form.elements.lon.value || tools.dataset.lon);
    var lat = parseFloat(form.elements.lat.value || tools.dataset.lat);
    if (!isNaN(lon)) map.setView([lat, lon], 16);
    marker = L.circleMarker(isNaN(lon) ? [0, 0] : [lat, lon], { radius: 9, color: "#b91c1c", weight: 3, fillOpacity: 0.6 });
    if (form.elements.lon.value) marker.addTo(map);
    map.on("click", function (e) {
      marker.addTo(map);
      setPoint(e.latlng.lng, e.latlng.lat, tools.dataset.pinned);
    });
    fetch(tools.dataset.map, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var grids = L.geoJSON(data, {
          style: { color: "#2b6cb0", weight: 1, fillColor: "#bee3f8", fillOpacity: 0.25 },
          onEachFeature: function (f, l) {
            Changan.tooltip(l, f.properties.name, { permanent: false });
            l.on("click", function (e) { map.fire("click", e); });
          }
        }).addTo(map);
        if (data.outline) L.geoJSON(data.outline, { style: { color: "#1a202c", weight: 2, fill: false }, interactive: false }).addTo(map);
        if (isNaN(lon) && grids.getBounds().isValid()) map.fitBounds(grids.getBounds());
        box.dataset.ready = "1";
      });
  }

  var send = document.getElementById("send-code");
  if (send && window.fetch) {
    send.addEventListener("click", function (e) {
      e.preventDefault();
      var body = new FormData();
      body.append("phone", form.elements.phone.value);
      body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      send.disabled = true;
      fetch(send.dataset.url || "/report/sms-code/", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var note = document.getElementById("code-status") || document.createElement("p");
          note.id = "code-status"; note.setAttribute("role", "status");
          note.className = data.error ? "errors" : "notice";
          note.textContent = data.error || data.message;
          send.insertAdjacentElement("afterend", note);
          setTimeout(function () { send.disabled = false; }, data.error ? 0 : 60000);
        })
        .catch(function () { send.disabled = false; });
    });
  }

  var family = document.getElementById("family");
  function narrow() {
    document.querySelectorAll(".nearby-item").forEach(function (item) {
      var f = item.dataset.family;
      item.hidden = !!(family.value && f && f !== family.value);
    });
  }
  if (family) { family.addEventListener("change", narrow); narrow(); }
})();
