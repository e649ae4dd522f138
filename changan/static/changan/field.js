// The grid worker's page: the grid map, the phone's position, the handling
// options, the patrol track, and an offline queue. A report made without a
// network is kept in IndexedDB (with its photos) and sent when the phone is
// back online; its key makes the server file it exactly once, however many
// times it is sent. Case labels reach the map as text (labels.js).
(function () {
  "use strict";
  var form = document.getElementById("field-report");
  var status = document.getElementById("queue-status");
  if (!form) return;

  // --- map: the grid and its open cases
  function drawMap() {
    var el = document.getElementById("grid-map");
    if (!el || !window.L) return;
    var map = L.map(el, { attributionControl: false });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var shape = JSON.parse(document.getElementById("grid-shape").textContent);
    var points = JSON.parse(document.getElementById("case-points").textContent);
    if (shape) {
      var grid = L.geoJSON(shape, { style: { color: "#2b6cb0", weight: 2, fillColor: "#bee3f8", fillOpacity: 0.3 } }).addTo(map);
      map.fitBounds(grid.getBounds(), { padding: [8, 8] });
    }
    points.forEach(function (p) {
      Changan.tooltip(L.circleMarker([p[1], p[0]], { radius: 6, color: "#b91c1c", weight: 2, fillOpacity: 0.7 }), p[2]).addTo(map);
    });
    el.dataset.ready = "1";
  }

  // --- the phone's position for the report
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.lon.value = p.coords.longitude.toFixed(6);
      form.elements.lat.value = p.coords.latitude.toFixed(6);
      document.getElementById("gps-status").textContent = "位置：手机定位（误差约 " + Math.round(p.coords.accuracy) + " 米）";
    }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  // --- show the fields for 自办 / 吹哨
  function showHandle() { form.dataset.handle = form.querySelector("input[name=handle]:checked").value; }
  form.querySelectorAll("input[name=handle]").forEach(function (r) { r.addEventListener("change", showHandle); });
  showHandle();

  // --- the offline queue (IndexedDB: the photos are kept as they are)
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("changan-field", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("reports", { keyPath: "key" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function store(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction("reports", mode);
        var result = work(tx.objectStore("reports"));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  var user = document.getElementById("field").dataset.user;
  function entriesOf(data) {
    var out = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return; // sent fresh with each try (it rotates on sign-in)
      if (value instanceof File && !value.size) return; // an empty file input
      out.push([name, value, value instanceof File ? value.name : null]);
    });
    return out;
  }
  function formOf(entries) {
    var data = new FormData();
    entries.forEach(function (e) { if (e[2]) data.append(e[0], e[1], e[2]); else data.append(e[0], e[1]); });
    return data;
  }
  function say(template, values) {
    var text = status.dataset[template];
    Object.keys(values).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    status.textContent = text;
    status.hidden = false;
  }
  // One try: "filed" (with the case number), "refused" (the server said why:
  // trying again will not help) or "later" (no network, signed out, a server
  // error: try again on the next "online" or page load).
  function send(entries) {
    return fetch(form.action, {
      method: "POST", body: formOf(entries), credentials: "same-origin", redirect: "manual",
      headers: { "X-Queued-Report": "1", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value }
    }).then(function (r) {
      var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) return { outcome: "later" };
      return r.json().then(function (body) {
        if (r.ok) return { outcome: "filed", number: body.number };
        if (r.status === 400) return { outcome: "refused", error: describe(body.errors) };
        return { outcome: "later" };
      });
    }, function () { return { outcome: "later" }; });
  }
  function describe(errors) {
    return Object.keys(errors || {}).map(function (k) { return errors[k].join(" "); }).join("；");
  }
  function mine() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return items.filter(function (item) { return item.user === user; });
    });
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function showRefused(items) {
    var refused = items.filter(function (i) { return i.refused; });
    var box = document.getElementById("queue-refused");
    box.hidden = !refused.length;
    box.querySelector("ul").replaceChildren.apply(box.querySelector("ul"), refused.map(function (i) {
      var li = document.createElement("li");
      var text = (i.entries.filter(function (e) { return e[0] === "text"; })[0] || [0, ""])[1];
      li.textContent = text + " — " + i.refused;
      return li;
    }));
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    mine().then(function (items) {
      var numbers = [];
      var waiting = items.filter(function (i) { return !i.refused; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) return true;
          return send(item.entries).then(function (res) {
            if (res.outcome === "filed") {
              numbers.push(res.number);
              return store("readwrite", function (s) { s.delete(item.key); }).then(function () { return false; });
            }
            if (res.outcome === "refused") { // kept, with the reason, for the worker to see
              item.refused = res.error;
              return store("readwrite", function (s) { s.put(item); }).then(function () { return false; });
            }
            return true; // later: stop here, keep the rest in order
          });
        });
      }, Promise.resolve(false)).then(function () {
        if (numbers.length) say("sent", { n: numbers.length, numbers: numbers.join("、") });
        return mine().then(showRefused);
      });
    }).catch(function () { /* the store is unavailable: nothing was lost */ })
      .then(function () { flushing = false; });
  }

  document.getElementById("drop-refused").addEventListener("click", function () {
    mine().then(function (items) {
      return store("readwrite", function (s) {
        items.forEach(function (i) { if (i.refused) s.delete(i.key); });
      });
    }).then(mine).then(showRefused);
  });

  form.addEventListener("submit", function (event) {
    if (!window.indexedDB || !window.fetch) return; // the plain form post
    event.preventDefault();
    var entries = entriesOf(new FormData(form));
    var key = form.elements.key.value;
    var keep = function () {
      return store("readwrite", function (s) { s.put({ key: key, user: user, entries: entries, at: Date.now() }); })
        .then(mine).then(function (items) { say("saved", { n: items.length }); });
    };
    var reset = function () { form.reset(); form.elements.key.value = newKey(); showHandle(); };
    if (!navigator.onLine) { keep().then(reset); return; }
    send(entries).then(function (res) {
      if (res.outcome === "filed") {
        window.location.href = "?grid=" + form.elements.grid.value + "&done=" + res.number;
      } else if (res.outcome === "refused") {
        say("failed", { error: res.error }); // the form is kept as typed: correct it and send again
      } else {
        keep().then(reset); // no answer we can use: kept, sent again later
      }
    });
  });
  window.addEventListener("online", flush);

  // --- the patrol track: positions every few seconds, sent every 30 s
  var field = document.getElementById("field");
  var track = [];
  if (field.dataset.pointsUrl && navigator.geolocation) {
    navigator.geolocation.watchPosition(function (p) {
      track.push([p.coords.longitude, p.coords.latitude, Math.round(p.timestamp / 1000)]);
    }, function () {}, { enableHighAccuracy: true, maximumAge: 10000 });
    setInterval(function () {
      if (!track.length || !navigator.onLine) return;
      var batch = track.splice(0, track.length);
      fetch(field.dataset.pointsUrl, { method: "POST", credentials: "same-origin", body: JSON.stringify(batch),
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
        .then(function (r) { return r.json(); })
        .then(function (b) { if (b.distance_m !== undefined) document.getElementById("distance").textContent = b.distance_m; })
        .catch(function () { track = batch.concat(track); });
    }, 30000);
  }

  document.addEventListener("DOMContentLoaded", function () { drawMap(); flush(); });
})();
