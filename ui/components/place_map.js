// Hearth place map: the photos of one scope as clusters on an offline world map (Leaflet from inside NiceGUI).
// The ground is this server's GeoJSON of the countries (land, sea, borders, names); street tiles only when the admin
// configured them. Clusters come from {api}/clusters for the view and the chosen years, a thumbnail and a count each.
import { leaflet as L } from "nicegui-leaflet";

const STYLE_ID = "hearth-place-map-style";
const MAX_ZOOM = 18;
const SMALL_GROUP = 20; // photos a cluster click opens at once (while zooming to them); bigger ones only zoom in
const DEBOUNCE_MS = 150;
const RETRY_MS = 5000;
const PHONE_PX = 640; // below this width the photos show in a bottom sheet ...
const SHEET = 0.58; // ... this high (PANEL_CLASSES in ui/map_page.py)
const MAX_LATITUDE = 85.0511; // where Web Mercator, and so the server's grid, ends
const CHAR_PX = 7; // about the width of one letter of a country's name
const PALETTES = {
  light: { land: "#f3efe6", border: "#b8ae9c" },
  dark: { land: "#2b2c2f", border: "#55565b" },
};
const CSS = `
.hpm { position: relative; overflow: hidden; --hpm-sea: #c9dde8; --hpm-label: #6d655a; --hpm-accent: #b45309; }
.body--dark .hpm { --hpm-sea: #101b23; --hpm-label: #a8a29e; --hpm-accent: #fbbf24; }
.hpm-map { position: absolute; inset: 0; background: var(--hpm-sea); font-family: inherit; }
.hpm-map.leaflet-container { background: var(--hpm-sea); }
.hpm-label { color: var(--hpm-label); font-size: 11px; font-weight: 500; letter-spacing: .4px; text-transform: uppercase;
  white-space: nowrap; text-align: center; pointer-events: none; transform: translate(-50%, -50%); width: max-content !important;
  height: auto !important; text-shadow: 0 0 3px var(--hpm-sea); }
.hpm-cluster { border-radius: 12px; box-shadow: 0 1px 5px rgba(0,0,0,.45); background: #fff; border: 2px solid #fff;
  box-sizing: border-box; cursor: pointer; }
.hpm-cluster.one { border-radius: 50%; }
.hpm .hpm-cluster img { display: block; width: 100% !important; height: 100% !important; object-fit: cover;
  border-radius: 10px; pointer-events: none; } /* over Leaflet's width: auto for marker images */
.hpm .hpm-cluster.one img { border-radius: 50%; }
.hpm-cluster:focus-visible { outline: 3px solid var(--hpm-accent); outline-offset: 2px; }
.hpm-cluster:hover { z-index: 10000 !important; transform-origin: center; box-shadow: 0 2px 10px rgba(0,0,0,.55); }
.hpm-count { position: absolute; top: -9px; right: -9px; min-width: 22px; height: 22px; padding: 0 6px; box-sizing: border-box;
  border-radius: 11px; background: #b45309; color: #fff; font-size: 12px; font-weight: 600; line-height: 22px;
  text-align: center; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.hpm-years { position: absolute; z-index: 1000; top: 10px; left: 56px; right: 12px; max-width: 440px; margin: 0 auto;
  display: flex; align-items: center; gap: 14px; padding: 2px 18px 2px 14px; border-radius: 24px; background: #fff;
  color: #292524; box-shadow: 0 1px 5px rgba(0,0,0,.3); font-size: 13px; }
.body--dark .hpm-years, .body--dark .hpm-status { background: #262626; color: #e7e5e4; }
.hpm-years .q-range { flex: 1; min-width: 0; }
.hpm-years b { font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.hpm-status { position: absolute; z-index: 1000; left: 50%; transform: translateX(-50%); top: 62px; display: flex;
  align-items: center; gap: 8px; padding: 6px 14px; border-radius: 16px; background: #fff; color: #44403c; font-size: 13px;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); pointer-events: none; }
.hpm.mini .hpm-status { top: 8px; }
.hpm-spin { width: 14px; height: 14px; border-radius: 50%; border: 2px solid currentColor; border-right-color: transparent;
  animation: hpm-spin .8s linear infinite; }
@keyframes hpm-spin { to { transform: rotate(360deg); } }
.hpm-pin { width: 16px !important; height: 16px !important; margin: -8px 0 0 -8px !important; border-radius: 50%;
  background: var(--hpm-accent); border: 3px solid #fff; box-sizing: border-box; box-shadow: 0 1px 4px rgba(0,0,0,.5); }
.hpm .leaflet-control-attribution { font-size: 10px; background: rgba(255,255,255,.75); }
.body--dark .hpm .leaflet-control-attribution { background: rgba(0,0,0,.55); color: #d6d3d1; }
.body--dark .hpm .leaflet-control-scale-line { background: rgba(0,0,0,.55); color: #d6d3d1; border-color: #a8a29e; }
.body--dark .hpm .leaflet-bar a { background: #262626; color: #e7e5e4; border-color: #3f3f46; }
`;

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

function loadCss(url) {
  if (document.querySelector(`link[href="${url}"]`)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: url });
    link.onload = link.onerror = resolve;
    document.head.appendChild(link);
  });
}

// One download each per page, shared by every map on it (the viewer's small map and a page's big one).
const shared = {};
function getOnce(url, prepare = (data) => data) {
  shared[url] ??= fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json().then(prepare);
  });
  shared[url].catch(() => delete shared[url]);
  return shared[url];
}

const isDark = () => document.body.classList.contains("body--dark");
const clampLat = (lat) => Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
const plural = (n) => `${n.toLocaleString()} ${n === 1 ? "photo" : "photos"}`;
const compact = (n) => (n < 1000 ? String(n) : n < 10000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n / 1000)}k`);

// The (south, west, north, east) of a grid cell "level/x/y": x eastward from the antimeridian, y southward.
function cellBounds(cell) {
  const [level, x, y] = cell.split("/").map(Number);
  const side = 2 ** level;
  const lat = (row) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / side))) * 180) / Math.PI;
  return L.latLngBounds([lat(y + 1), (x / side) * 360 - 180], [lat(y), ((x + 1) / side) * 360 - 180]);
}

const polygonsOf = (geometry) => (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates);

// A ring that crosses the antimeridian jumps from 180 to -180 and back, which draws as a line across the world
// (Russia, Fiji): continue it past 180 instead. A ring round a pole (one jump: Antarctica) is left as it is.
function unwrapCrossings(world) {
  for (const feature of world.features) {
    for (const ring of polygonsOf(feature.geometry).flat()) {
      const jumps = ring.filter((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180).length;
      if (jumps === 0 || jumps % 2) continue;
      let shift = 0;
      for (let i = 1; i < ring.length; i++) {
        const step = ring[i][0] + shift - ring[i - 1][0];
        if (Math.abs(step) > 180) shift -= 360 * Math.sign(step);
        ring[i] = [ring[i][0] + shift, ring[i][1]];
      }
    }
  }
  return world;
}

function ringArea(ring) {
  let twice = 0;
  for (let i = 1; i < ring.length; i++) twice += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  return Math.abs(twice / 2);
}

// Where a country's name goes: the middle of its largest part, and that part's size in degrees.
function labelOf(feature) {
  let best = null;
  for (const polygon of polygonsOf(feature.geometry)) {
    const area = ringArea(polygon[0]);
    if (!best || area > best.area) best = { area, ring: polygon[0] };
  }
  const lons = best.ring.map((p) => p[0]);
  const lats = best.ring.map((p) => p[1]);
  const [west, south, east, north] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  return { at: [(south + north) / 2, (west + east) / 2], span: east - west, height: north - south };
}

export default {
  template: `
  <div class="hpm" :class="{mini: mini}">
    <div ref="map" class="hpm-map"></div>
    <div v-if="!mini && firstYear !== null && firstYear < lastYear" class="hpm-years" data-testid="map-years">
      <b>{{ range.min }}</b>
      <q-range :model-value="range" @update:model-value="(value) => (range = value)" @change="chooseYears"
        :min="firstYear" :max="lastYear" :step="1" snap markers dense color="amber-9"
        :left-label-value="'from ' + range.min" :right-label-value="'to ' + range.max"
        aria-label="Years" />
      <b>{{ range.max }}</b>
    </div>
    <div v-if="status" class="hpm-status" role="status" aria-live="polite" data-testid="map-status">
      <span v-if="loading" class="hpm-spin"></span>{{ status }}
    </div>
  </div>`,
  props: {
    api: { type: String, default: "/api/map" },
    thumb: { type: String, default: "/api/assets/{id}/thumbnail" },
    query: { type: Object, default: () => ({}) },
    mini: { type: Boolean, default: false },
    point: { type: Array, default: null },
    resourcePath: String,
  },
  emits: ["summary", "cluster", "years"],
  data() {
    return { firstYear: null, lastYear: null, range: { min: 0, max: 0 }, loading: true, status: "Loading the map…" };
  },
  watch: {
    query: {
      deep: true,
      handler() {
        this.start();
      },
    },
    point() {
      this.showPoint();
    },
  },
  async mounted() {
    injectStyle();
    this.markers = new Map(); // cell -> marker
    await this.$nextTick();
    await loadCss(`${window.path_prefix || ""}${this.resourcePath}/leaflet/leaflet.css`);
    if (!this.$el.isConnected) return;
    this.createMap();
    this.resizer = new ResizeObserver(() => this.map.invalidateSize());
    this.resizer.observe(this.$el);
    this.darkWatch = new MutationObserver(() => this.restyle());
    this.darkWatch.observe(document.body, { attributes: true, attributeFilter: ["class"] });
    await this.drawGround();
    if (this.mini) this.showPoint();
    else await this.start();
  },
  unmounted() {
    clearTimeout(this.timer);
    clearTimeout(this.slow);
    this.controller?.abort();
    this.resizer?.disconnect();
    this.darkWatch?.disconnect();
    this.map?.remove();
  },
  methods: {
    createMap() {
      const mini = this.mini;
      this.map = L.map(this.$refs.map, {
        center: [25, 10],
        zoom: 2,
        minZoom: 1,
        maxZoom: MAX_ZOOM,
        worldCopyJump: true,
        zoomControl: true,
        scrollWheelZoom: !mini,
        dragging: !(mini && L.Browser.mobile), // a small map in a scrolling panel must not catch the finger
        keyboard: !mini,
        zoomSnap: 1,
      });
      this.map.attributionControl.setPrefix(false);
      this.map.createPane("hpmGround").style.zIndex = 150; // under tiles (200), which draw over it where they exist
      const names = this.map.createPane("hpmNames");
      names.style.zIndex = 420;
      names.setAttribute("aria-hidden", "true"); // the map's names are scenery; the clusters carry the labels
      this.map.on("zoomend", () => this.placeNames());
      if (mini) return;
      this.map.on("moveend", () => this.schedule());
      L.control.scale({ position: "bottomleft" }).addTo(this.map); // some sense of distance over bare land
    },

    // ---- the ground: countries, their names, and the admin's tiles ----------------------------------------------
    async drawGround() {
      let world, config;
      try {
        [world, config] = await Promise.all([getOnce("/api/map/world", unwrapCrossings), getOnce("/api/map/config")]);
      } catch (error) {
        this.status = "The map could not load. Check the connection to Hearth.";
        this.loading = false;
        return;
      }
      this.ground = L.geoJSON(world, {
        pane: "hpmGround",
        renderer: L.canvas({ pane: "hpmGround", padding: 0.3 }),
        interactive: false,
        smoothFactor: 1.5,
        style: () => this.groundStyle(),
      }).addTo(this.map);
      this.names = world.features.map((feature) => ({ name: feature.properties.name, ...labelOf(feature) }));
      this.nameLayer = L.layerGroup().addTo(this.map);
      this.tiles = Boolean(config.tiles);
      if (config.tiles) {
        L.tileLayer(config.tiles, { maxZoom: MAX_ZOOM, crossOrigin: false }).addTo(this.map);
        this.names = []; // street tiles carry their own names
      }
      this.map.attributionControl.addAttribution(config.attribution);
      this.placeNames();
    },
    groundStyle() {
      const palette = isDark() ? PALETTES.dark : PALETTES.light;
      return { color: palette.border, weight: 0.7, fillColor: palette.land, fillOpacity: 1, opacity: 1 };
    },
    restyle() {
      if (this.ground && this.dark !== isDark()) this.ground.setStyle(this.groundStyle());
      this.dark = isDark();
    },
    // A country is named when its largest part is wide and tall enough on screen at this zoom for the name.
    placeNames() {
      if (!this.nameLayer) return;
      const worldPx = 256 * 2 ** this.map.getZoom();
      this.nameLayer.clearLayers();
      for (const country of this.names) {
        const width = (country.span / 360) * worldPx;
        const height = (country.height / 360) * worldPx;
        if (width < country.name.length * CHAR_PX + 12 || height < 14) continue;
        const icon = L.divIcon({ className: "hpm-label", html: country.name, iconSize: null });
        this.nameLayer.addLayer(L.marker(country.at, { icon, pane: "hpmNames", interactive: false, keyboard: false }));
      }
    },

    // ---- the scope: its years, then its clusters ---------------------------------------------------------------
    params(extra) {
      const params = new URLSearchParams();
      const all = { ...(this.query || {}), ...extra };
      if (this.firstYear !== null) Object.assign(all, { from_year: this.range.min, to_year: this.range.max });
      for (const [key, value] of Object.entries(all)) if (value !== null && value !== undefined) params.append(key, value);
      return params;
    },
    async start() {
      if (!this.map) return;
      this.firstYear = null;
      this.ready = false; // no clusters until the scope's summary says where its photos are
      let summary;
      try {
        summary = await this.getJson(`${this.api}/summary`, this.params({}));
      } catch (error) {
        return this.failed(() => this.start());
      }
      this.$emit("summary", summary);
      if (summary.years) {
        [this.firstYear, this.lastYear] = summary.years;
        this.range = { min: this.firstYear, max: this.lastYear };
      }
      if (!summary.count) {
        this.loading = false;
        this.status = "";
        this.drawClusters([]);
        return;
      }
      this.ready = true;
      const [south, west, north, east] = summary.bounds;
      const across = east < west ? 360 : 0; // photos on both sides of the antimeridian
      const maxZoom = this.tiles ? 12 : 6; // without street tiles, a country around the photos says more than a blank
      this.map.fitBounds([[south, west], [north, east + across]], { padding: [48, 48], maxZoom, animate: false });
      this.loadClusters();
    },
    async getJson(url, params, signal = undefined) {
      const response = await fetch(`${url}?${params}`, { credentials: "same-origin", signal });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    },
    failed(retry) {
      this.loading = false;
      this.status = "Could not load the photos. Trying again…";
      clearTimeout(this.timer);
      this.timer = setTimeout(retry, RETRY_MS);
    },
    schedule() {
      clearTimeout(this.timer);
      if (this.ready) this.timer = setTimeout(() => this.loadClusters(), DEBOUNCE_MS);
    },
    async loadClusters() {
      this.controller?.abort(); // the view moved on: its answer would be stale
      const controller = (this.controller = new AbortController());
      const view = this.map.getBounds();
      const zoom = Math.round(this.map.getZoom());
      const params = this.params({
        south: clampLat(view.getSouth()).toFixed(6),
        west: view.getWest().toFixed(6),
        north: clampLat(view.getNorth()).toFixed(6),
        east: view.getEast().toFixed(6),
        zoom,
      });
      this.loading = true;
      clearTimeout(this.slow);
      this.slow = setTimeout(() => this.loading && (this.status = "Loading…"), 300); // quick answers need no word
      try {
        const data = await this.getJson(`${this.api}/clusters`, params, controller.signal);
        if (controller !== this.controller) return;
        this.drawClusters(data.clusters);
        this.loading = false;
        this.status = data.total ? "" : "No photos here in these years";
      } catch (error) {
        if (error.name !== "AbortError" && controller === this.controller) this.failed(() => this.loadClusters());
      }
    },
    chooseYears(value) {
      this.range = value;
      this.$emit("years", { from_year: value.min, to_year: value.max });
      this.loadClusters();
    },

    // ---- clusters ---------------------------------------------------------------------------------------------
    drawClusters(clusters) {
      const centre = this.map.getCenter().lng;
      const kept = new Map();
      for (const cluster of clusters) {
        const key = `${cluster.cell}:${cluster.count}:${cluster.cover}`;
        let marker = this.markers.get(key);
        if (!marker) marker = this.clusterMarker(cluster);
        // the copy of the world nearest the view's centre, after panning round the globe
        const lon = cluster.lon + 360 * Math.round((centre - cluster.lon) / 360);
        marker.setLatLng([cluster.lat, lon]);
        if (!this.map.hasLayer(marker)) marker.addTo(this.map);
        kept.set(key, marker);
      }
      for (const [key, marker] of this.markers) if (!kept.has(key)) marker.remove();
      this.markers = kept;
    },
    clusterMarker(cluster) {
      const size = cluster.count === 1 ? 44 : cluster.count < 10 ? 52 : cluster.count < 100 ? 58 : 64;
      const src = this.thumb.replace("{id}", cluster.cover);
      const badge = cluster.count > 1 ? `<span class="hpm-count">${compact(cluster.count)}</span>` : "";
      const icon = L.divIcon({
        className: `hpm-cluster${cluster.count === 1 ? " one" : ""}`,
        html: `<img src="${src}" alt="" draggable="false">${badge}`,
        iconSize: [size, size],
      });
      const marker = L.marker([cluster.lat, cluster.lon], { icon, keyboard: true, riseOnHover: true });
      marker.on("add", () => {
        const el = marker.getElement();
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", plural(cluster.count));
        el.setAttribute("title", plural(cluster.count));
        el.dataset.testid = "map-cluster";
        el.dataset.count = cluster.count;
        el.onkeydown = (event) => {
          if (event.key !== "Enter" && event.key !== " ") return;
          event.preventDefault(); // no keypress follows, which Leaflet could turn into a second click
          this.choose(cluster, marker.getLatLng());
        };
      });
      marker.on("click", () => this.choose(cluster, marker.getLatLng()));
      return marker;
    },
    // A big cluster zooms in to its cell; a small one, a single photo or any at the deepest zoom opens its photos
    // (a small one also zooms to where they are, so that the map and the photos agree).
    choose(cluster, at) {
      const zoom = this.map.getZoom();
      const deepest = zoom >= this.map.getMaxZoom();
      const opens = cluster.count <= SMALL_GROUP || deepest;
      if (opens) this.$emit("cluster", { cell: cluster.cell, count: cluster.count, lat: cluster.lat, lon: cluster.lon });
      let target = zoom;
      if (!deepest && cluster.count > 1) {
        target = this.map.getBoundsZoom(cellBounds(cluster.cell));
        target = Math.min(target > zoom ? target : zoom + 2, MAX_ZOOM);
      }
      this.map.setView(this.centreFor(at, target, opens), target);
    },
    // On a phone the photos rise in a sheet over the lower part of the map: keep their place in sight above it.
    centreFor(at, zoom, sheet) {
      const size = this.map.getSize();
      if (!sheet || size.x >= PHONE_PX) return at;
      return this.map.unproject(this.map.project(at, zoom).add([0, (size.y * SHEET) / 2]), zoom);
    },

    // ---- the viewer's small map ----------------------------------------------------------------------------------
    showPoint() {
      if (!this.map || !this.point) return;
      this.pin?.remove();
      const icon = L.divIcon({ className: "hpm-pin", iconSize: null });
      this.pin = L.marker(this.point, { icon, interactive: false, keyboard: false }).addTo(this.map);
      this.map.setView(this.point, this.names?.length ? 5 : 13, { animate: false });
      this.loading = false;
      this.status = "";
    },
  },
};
