// Squawk console: a little progressive enhancement. Every page works without it.
(function () {
  "use strict";
  // Confirm before destructive forms.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) { if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); } });
  });
  // Selects that submit their form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Live map: refresh every 15 s.
  var map = document.getElementById("map");
  if (map && map.dataset.src) {
    setInterval(function () {
      fetch(map.dataset.src, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { return null; }
        var count = r.headers.get("X-Flights");
        if (count !== null) { document.getElementById("flight-count").textContent = count; }
        return r.text();
      }).then(function (svg) { if (svg) { map.innerHTML = svg; } }).catch(function () {});
    }, 15000);
  }
  // Live feed over Server-Sent Events, filtered by the ticked types.
  var feed = document.getElementById("feed");
  if (feed && window.EventSource) {
    var state = document.getElementById("feed-state");
    var source = null;
    var connect = function () {
      if (source) { source.close(); }
      var ticked = Array.prototype.map.call(document.querySelectorAll("#feed-types input:checked"), function (i) { return i.value; });
      var all = document.querySelectorAll("#feed-types input").length;
      var url = feed.dataset.src + "?server=" + encodeURIComponent(feed.dataset.server || "");
      if (ticked.length !== all) { url += "&types=" + encodeURIComponent(ticked.join(",") || "none"); }
      source = new EventSource(url);
      source.onopen = function () { state.textContent = "live"; };
      source.onerror = function () { state.textContent = "reconnecting…"; };
      source.addEventListener("flight-event", function (m) {
        var e = JSON.parse(m.data);
        var li = document.createElement("li");
        li.className = "event";
        li.dataset.type = e.type;
        var type = document.createElement("span");
        type.className = "type";
        type.textContent = e.type;
        li.appendChild(type);
        var text = [e.callsign, e.username, e.airport, e.frequency, e.server].filter(Boolean).join(" · ");
        li.appendChild(document.createTextNode(text + " — " + new Date(e.at).toLocaleTimeString()));
        feed.insertBefore(li, feed.firstChild);
        while (feed.children.length > 200) { feed.removeChild(feed.lastChild); }
      });
    };
    document.querySelectorAll("#feed-types input").forEach(function (i) { i.addEventListener("change", connect); });
    connect();
  }
})();
