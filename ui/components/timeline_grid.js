// Hearth timeline grid: a browser-virtualised photo grid that fetches its own data over HTTP.
// Photos keep their shape in justified rows, and days flow side by side in lines (each with a small date label).
// Only the lines near the viewport exist in the DOM; unloaded months are estimated from their counts.

const STYLE_ID = "hearth-timeline-grid-style";
const MAX_IN_FLIGHT = 3;
const OVERSCAN = 0.5; // screens rendered above and below the viewport
const PREFETCH = 1.5; // screens around the viewport whose months are fetched
const RETRY_MS = 5000;
const LONG_PRESS_MS = 450;
const DRAG_START_PX = 6;
const MIN_YEAR_GAP = 15; // px between two year labels on the scrubber
// Density levels, small to large: columns of square cells on a phone, row heights (px) elsewhere.
const PHONE_COLUMNS = [7, 5, 4, 3, 2];
const ROW_HEIGHTS = [70, 85, 100, 130, 180, 250];
const DEFAULT_LEVEL = { phone: 2, wide: 2 };
const MAX_STRETCH = 1.6; // a justified row grows at most this much over the target height
const LEVEL_KEY = "hearth.timeline.level";
const CSS = `
.htg { position: relative; overflow: hidden; user-select: none; -webkit-user-select: none; background: var(--htg-bg, #fff); color: #202124;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; --htg-ph: #eceff1; --htg-sub: #3c4043;
  --htg-accent: #1a73e8; --htg-sel: #d2e3fc; }
.body--dark .htg { color: #e8eaed; --htg-ph: #2a2d31; --htg-sub: #bdc1c6; --htg-accent: #8ab4f8; --htg-sel: #1f3a5f;
  background: var(--htg-bg, #121212); }
.htg-scroller { position: absolute; inset: 0; overflow-y: auto; overflow-x: hidden; scrollbar-width: none;
  overscroll-behavior: contain; overflow-anchor: none; outline: none; }
.htg-scroller::-webkit-scrollbar { display: none; }
.htg-canvas { position: relative; width: 100%; }
.htg-month, .htg-line, .htg-ph { position: absolute; left: var(--htg-pad); right: calc(var(--htg-gutter) + var(--htg-pad)); }
.htg-month { display: flex; align-items: flex-end; gap: 10px; padding: 0 4px 6px; box-sizing: border-box;
  height: var(--htg-month-h); }
.htg-month h2 { margin: 0; font-size: 20px; line-height: 28px; font-weight: 500; letter-spacing: .1px; }
.htg.phone .htg-month h2 { font-size: 17px; line-height: 24px; }
.htg-day { position: absolute; top: 0; display: flex; align-items: center; gap: 6px; height: var(--htg-day-h);
  padding: 0 2px; box-sizing: border-box; font-size: 13px; font-weight: 500; color: var(--htg-sub);
  white-space: nowrap; overflow: hidden; }
.htg-day span { overflow: hidden; text-overflow: ellipsis; }
.htg-ph { background: repeating-linear-gradient(to right, var(--htg-ph) 0, var(--htg-ph) var(--htg-cell),
  transparent var(--htg-cell), transparent calc(var(--htg-cell) + var(--htg-gap))); }
.htg-cell { position: absolute; overflow: hidden; background: var(--htg-ph); user-select: none;
  -webkit-user-select: none; -webkit-touch-callout: none; }
.htg-open { all: unset; display: block; width: 100%; height: 100%; cursor: pointer; }
.htg-open:focus-visible { outline: 3px solid var(--htg-accent); outline-offset: -3px; }
.htg-open img { display: block; width: 100%; height: 100%; object-fit: cover; transition: transform .12s ease; }
.htg-cell.sel { background: var(--htg-sel); }
.htg-cell.sel img { transform: scale(.86); border-radius: 4px; }
.htg-cell:hover .htg-open::after { content: ""; position: absolute; inset: 0; pointer-events: none;
  background: linear-gradient(to bottom, rgba(0,0,0,.28), transparent 34%); }
.htg-check { all: unset; position: absolute; box-sizing: border-box; width: 24px; height: 24px; border-radius: 50%;
  border: 2px solid rgba(255,255,255,.92); background: rgba(0,0,0,.12); cursor: pointer; opacity: 0;
  transition: opacity .1s ease; flex: none; }
.htg-cell .htg-check { top: 6px; left: 6px; }
.htg-check::after { content: ""; position: absolute; left: 7px; top: 3px; width: 5px; height: 10px;
  border: solid #fff; border-width: 0 2px 2px 0; transform: rotate(45deg); opacity: 0; }
.htg-cell:hover .htg-check, .htg.selecting .htg-check, .htg-check:focus-visible { opacity: 1; }
.htg-check:focus-visible { outline: 2px solid var(--htg-accent); outline-offset: 2px; }
.htg-check.on { background: var(--htg-accent); border-color: var(--htg-accent); }
.htg-check.on::after { opacity: 1; }
.htg-month .htg-check, .htg-day .htg-check { position: relative; border-color: #9aa0a6; background: transparent; }
.htg-day .htg-check { width: 20px; height: 20px; }
.htg-day .htg-check::after { left: 5px; top: 1px; }
.htg-month .htg-check { margin-bottom: 2px; }
.htg-month .htg-check.on, .htg-day .htg-check.on { background: var(--htg-accent); border-color: var(--htg-accent); }
.htg-month:hover .htg-check, .htg-day:hover .htg-check { opacity: 1; }
.htg-day .htg-check:not(.on) { width: 0; border-width: 0; margin-right: -6px; transition: none; }
.htg-day:hover .htg-check:not(.on), .htg.selecting .htg-day .htg-check:not(.on),
.htg-day .htg-check:focus-visible { width: 20px; border-width: 2px; margin-right: 0; }
.htg.phone .htg-month .htg-check, .htg.phone .htg-day .htg-check { display: none; }
.htg.phone.selecting .htg-month .htg-check, .htg.phone.selecting .htg-day .htg-check { display: block; }
.htg-badge { position: absolute; top: 6px; right: 6px; display: flex; align-items: center; gap: 3px;
  color: #fff; font-size: 12px; font-weight: 500; text-shadow: 0 0 3px rgba(0,0,0,.7); pointer-events: none; }
.htg-badge svg { width: 14px; height: 14px; fill: #fff; filter: drop-shadow(0 0 2px rgba(0,0,0,.6)); }
.htg-fav { position: absolute; left: 6px; bottom: 5px; width: 18px; height: 18px; fill: #fff; pointer-events: none;
  filter: drop-shadow(0 0 2px rgba(0,0,0,.7)); }
.htg-marquee { position: absolute; border: 1px solid var(--htg-accent); background: rgba(26,115,232,.15);
  pointer-events: none; z-index: 2; }
.htg-zoom { position: absolute; right: calc(var(--htg-gutter) + 12px); bottom: 16px; display: flex;
  flex-direction: column; border-radius: 20px; background: var(--htg-bg, #fff); z-index: 3;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); overflow: hidden; }
.body--dark .htg-zoom { background: #303134; }
.htg-zoom button { all: unset; width: 36px; height: 36px; display: flex; align-items: center; justify-content: center;
  cursor: pointer; color: var(--htg-sub); }
.htg-zoom button:disabled { opacity: .35; cursor: default; }
.htg-zoom button:focus-visible { outline: 2px solid var(--htg-accent); outline-offset: -2px; }
.htg-zoom svg { width: 20px; height: 20px; fill: currentColor; }
.htg.phone .htg-zoom { right: 12px; }
.htg-scrub { position: absolute; top: 0; right: 0; bottom: 0; width: var(--htg-gutter); touch-action: none;
  cursor: pointer; user-select: none; -webkit-user-select: none; }
.htg-year { position: absolute; right: 14px; transform: translateY(-50%); font-size: 11px; color: #5f6368;
  pointer-events: none; }
.body--dark .htg-year { color: #9aa0a6; }
.htg-thumb { position: absolute; right: 3px; width: 4px; height: 22px; margin-top: -11px; border-radius: 2px;
  background: var(--htg-accent); pointer-events: none; }
.htg-hover { position: absolute; right: 0; width: 10px; height: 2px; margin-top: -1px; background: var(--htg-accent);
  pointer-events: none; }
.htg-bubble { position: absolute; right: calc(100% + 6px); top: 0; transform: translateY(-50%); white-space: nowrap;
  background: #fff; color: #1a73e8; font-size: 13px; font-weight: 500; padding: 6px 12px; border-radius: 16px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); pointer-events: none; }
.htg-hover .htg-bubble { right: calc(100% + 50px); }
.htg.phone .htg-scrub { width: 44px; cursor: default; pointer-events: none; }
.htg-handle { position: absolute; right: 0; width: 40px; height: 44px; border-radius: 22px 0 0 22px; background: #fff;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); display: flex; align-items: center; justify-content: center;
  pointer-events: auto; touch-action: none; opacity: 0; transition: opacity .25s ease; }
.htg-handle.show { opacity: 1; }
.htg-handle svg { width: 22px; height: 22px; fill: #5f6368; }
.htg-handle .htg-bubble { right: calc(100% + 8px); top: 50%; }
`;

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

const MONTH_FORMAT = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
const SHORT_DAY_FORMAT = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
const YEAR_DAY_FORMAT = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

function utcDate(isoDay) {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d || 1));
}

function monthLabel(month) {
  return MONTH_FORMAT.format(utcDate(month));
}

function dayKey(asset) {
  return asset.taken_at ? asset.taken_at.slice(0, 10) : "";
}

function dayLabel(day, width) {
  if (!day) return "Unknown date";
  return (width < 84 ? SHORT_DAY_FORMAT : DAY_FORMAT).format(utcDate(day));
}

function duration(seconds) {
  if (seconds == null) return "";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// index of the last element whose top is <= y (0 if none)
function lastAtOrBefore(list, y) {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid].top <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function geometry(width, level) {
  const phone = width < 640;
  const gutter = phone ? 0 : 56;
  const pad = phone ? 2 : 16;
  const gap = phone ? 2 : 4;
  const inner = Math.max(100, width - gutter - pad * 2);
  const cols = PHONE_COLUMNS[level];
  const rowH = phone ? (inner - gap * (cols - 1)) / cols : ROW_HEIGHTS[level];
  return {
    phone, gutter, pad, gap, inner, rowH, square: phone, groupGap: phone ? gap : 12,
    monthH: 44, dayH: 30,
  };
}

function aspect(asset, g) {
  if (g.square || !asset.w || !asset.h) return 1;
  return Math.min(3, Math.max(0.4, asset.w / asset.h));
}

// Justified rows of one day: each row fills the width unless it is the last; rows are {start, end, h, full}.
function justify(aspects, g) {
  const rows = [];
  let start = 0;
  let sum = 0;
  for (let i = 0; i < aspects.length; i++) {
    sum += aspects[i];
    const n = i - start + 1;
    if (sum * g.rowH + g.gap * (n - 1) < g.inner - 0.5) continue;
    let end = i + 1;
    let h = (g.inner - g.gap * (n - 1)) / sum;
    const without = (g.inner - g.gap * (n - 2)) / (sum - aspects[i]);
    if (n > 1 && without <= g.rowH * MAX_STRETCH && Math.abs(without - g.rowH) < Math.abs(h - g.rowH)) {
      end = i;
      h = without;
    }
    rows.push({ start, end, h, full: true });
    start = end;
    sum = end === i ? aspects[i] : 0;
  }
  if (start < aspects.length) rows.push({ start, end: aspects.length, h: g.rowH, full: false });
  return rows;
}

function rowWidth(aspects, row, g) {
  let width = g.gap * (row.end - row.start - 1);
  for (let i = row.start; i < row.end; i++) width += aspects[i] * row.h;
  return width;
}

function placeRow(aspects, row, offset, x, y, g, cells) {
  for (let i = row.start; i < row.end; i++) {
    const w = aspects[i] * row.h;
    cells.push({ ai: offset + i, x, y, w, h: row.h });
    x += w + g.gap;
  }
}

// A month's lines, top to bottom. A day that fits in one row sits beside the days before it while the line has room;
// a longer day starts its own line and fills whole rows.
function layoutMonth(assets, g) {
  const lines = [];
  let y = g.monthH;
  let open = null;
  const close = () => {
    if (!open) return;
    y += open.height + g.gap;
    open = null;
  };
  for (const day of days(assets)) {
    const aspects = day.assets.map((a) => aspect(a, g));
    const rows = justify(aspects, g);
    const single = rows.length === 1 && !rows[0].full;
    const width = rowWidth(aspects, rows[0], g);
    if (single && open && open.used + g.groupGap + width <= g.inner + 0.5) {
      addDay(open, day, aspects, rows[0], open.used + g.groupGap, width, g);
      continue;
    }
    close();
    rows.forEach((row, r) => {
      open = { top: y, height: (r === 0 ? g.dayH : 0) + row.h, labels: [], cells: [], used: 0 };
      if (r === 0) addDay(open, day, aspects, row, 0, single ? width : g.inner, g);
      else placeRow(aspects, row, day.offset, 0, 0, g, open.cells);
      lines.push(open);
      if (r < rows.length - 1 || !single) close();
    });
  }
  close();
  return { rows: lines, height: y + g.gap };
}

function addDay(line, day, aspects, row, x, width, g) {
  line.labels.push({ x, w: width, day: day.key, first: day.offset, count: day.assets.length });
  placeRow(aspects, row, day.offset, x, g.dayH, g, line.cells);
  line.used = x + width;
}

function days(assets) {
  const result = [];
  let i = 0;
  while (i < assets.length) {
    const key = dayKey(assets[i]);
    let j = i;
    while (j < assets.length && dayKey(assets[j]) === key) j++;
    result.push({ key, offset: i, assets: assets.slice(i, j) });
    i = j;
  }
  return result;
}

function estimateHeight(count, g) {
  const dayCount = Math.max(1, Math.min(count, Math.round(Math.sqrt(count) * 1.2)));
  const cellWidth = g.rowH * (g.square ? 1 : 1.1) + g.gap;
  const width = count * cellWidth + dayCount * g.groupGap;
  const lines = Math.ceil((width * 1.15) / g.inner) + Math.round(dayCount * 0.2);
  return g.monthH + lines * (g.rowH + g.gap) + Math.min(lines, dayCount) * g.dayH;
}

// Year labels for the scrubber at their places, pushed apart to stay readable; every year keeps a label unless
// there are more years than the track can hold, then the oldest of crowded neighbours go first.
function spreadYears(years, top, bottom) {
  let kept = years;
  while (kept.length > 1 && (kept.length - 1) * MIN_YEAR_GAP > bottom - top) kept = kept.filter((_, i) => i % 2 === 0);
  const ys = kept.map((y) => Math.min(bottom, Math.max(top, y.y)));
  for (let i = 1; i < ys.length; i++) ys[i] = Math.max(ys[i], ys[i - 1] + MIN_YEAR_GAP);
  for (let i = ys.length - 1; i >= 0; i--) {
    const limit = i === ys.length - 1 ? bottom : ys[i + 1] - MIN_YEAR_GAP;
    ys[i] = Math.min(ys[i], limit);
  }
  return kept.map((y, i) => ({ year: y.year, y: ys[i] }));
}

export default {
  template: `
  <div class="htg" :class="{phone: phone, selecting: selCount > 0}" :style="cssVars">
    <div ref="scroller" class="htg-scroller" tabindex="-1" @scroll.passive="onScroll" @pointerdown="onDragDown"
      @pointermove="onDragMove" @pointerup="onDragEnd" @pointercancel="onDragEnd">
      <div class="htg-canvas" :style="{height: totalHeight + 'px'}">
        <template v-for="it in items" :key="it.key">
          <div v-if="it.kind === 'month'" class="htg-month" :style="{top: it.top + 'px'}">
            <h2>{{ it.label }}</h2>
            <button class="htg-check" :class="{on: it.sel}" role="checkbox" :aria-checked="it.sel"
              :aria-label="'Select all in ' + it.label" @click="toggleMonth(it.mi)"></button>
          </div>
          <div v-else-if="it.kind === 'line'" class="htg-line" :style="{top: it.top + 'px', height: it.height + 'px'}">
            <div v-for="d in it.labels" :key="d.key" class="htg-day" :style="{left: d.x + 'px', width: d.w + 'px'}"
              :title="d.title">
              <button class="htg-check" :class="{on: d.sel}" role="checkbox" :aria-checked="d.sel"
                :aria-label="'Select all on ' + d.title" @click="toggleDay(d)"></button>
              <span>{{ d.label }}</span>
            </div>
            <div v-for="c in it.cells" :key="c.id" class="htg-cell" :class="{sel: c.sel}" :data-id="c.id"
              :style="{left: c.x + 'px', top: c.y + 'px', width: c.w + 'px', height: c.h + 'px'}">
              <button class="htg-open" :aria-label="c.label" @click="onCell($event, c)"
                @pointerdown="onPress($event, c)" @pointerup="cancelPress" @pointercancel="cancelPress"
                @pointerleave="cancelPress" @contextmenu="onContextMenu">
                <img :src="c.thumb" alt="" decoding="async" draggable="false">
              </button>
              <span v-if="c.video" class="htg-badge">{{ c.dur }}<svg viewBox="0 0 24 24"><path d="M8 5v14l11-7z"/></svg></span>
              <svg v-if="c.fav" class="htg-fav" viewBox="0 0 24 24"><path d="M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z"/></svg>
              <button class="htg-check" :class="{on: c.sel}" role="checkbox" :aria-checked="c.sel"
                :aria-label="'Select ' + c.label" @click.stop="onCheck($event, c)"></button>
            </div>
          </div>
          <div v-else class="htg-ph" :style="{top: it.top + 'px', height: it.height + 'px'}"></div>
        </template>
        <div v-if="marquee" class="htg-marquee" :style="marquee"></div>
      </div>
    </div>
    <div v-if="totalHeight > 0" class="htg-zoom" role="group" aria-label="Photo size">
      <button type="button" aria-label="Bigger photos" title="Bigger photos (Ctrl + mouse wheel, or pinch)"
        data-testid="grid-zoom-in" :disabled="level >= maxLevel" @click="zoom(1)">
        <svg viewBox="0 0 24 24"><path d="M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z"/></svg></button>
      <button type="button" aria-label="Smaller photos" title="Smaller photos (Ctrl + mouse wheel, or pinch)"
        data-testid="grid-zoom-out" :disabled="level <= 0" @click="zoom(-1)">
        <svg viewBox="0 0 24 24"><path d="M19 13H5v-2h14v2z"/></svg></button>
    </div>
    <div v-if="totalHeight > 0" ref="scrub" class="htg-scrub" @pointerdown="onScrubDown" @pointermove="onScrubMove"
      @pointerup="onScrubUp" @pointercancel="onScrubUp" @pointerleave="hoverY = null">
      <template v-if="!phone">
        <span v-for="y in years" :key="y.year" class="htg-year" :style="{top: y.y + 'px'}">{{ y.year }}</span>
        <div ref="thumb" class="htg-thumb"></div>
        <div v-if="hoverY !== null" class="htg-hover" :style="{top: hoverY + 'px'}">
          <span class="htg-bubble">{{ hoverLabel }}</span>
        </div>
      </template>
      <div v-else ref="thumb" class="htg-handle" :class="{show: handleVisible || dragging}" aria-hidden="true"
        @pointerdown.stop="onScrubDown" @pointermove.stop="onScrubMove" @pointerup.stop="onScrubUp"
        @pointercancel.stop="onScrubUp">
        <svg viewBox="0 0 24 24"><path d="M7 10l5-5 5 5zM7 14l5 5 5-5z"/></svg>
        <span v-if="dragging" class="htg-bubble">{{ hoverLabel }}</span>
      </div>
    </div>
  </div>`,
  props: {
    api_base: { type: String, default: "/api/timeline" },
    view: { type: String, default: "timeline" },
    query: { type: Object, default: () => ({}) },
    thumb: { type: String, default: "/api/assets/{id}/thumbnail" }, // a link's guest has their own address
  },
  emits: ["open", "selection", "buckets"],
  data() {
    return {
      items: [],
      totalHeight: 0,
      selCount: 0,
      phone: false,
      cssVars: {},
      years: [],
      hoverY: null,
      hoverLabel: "",
      dragging: false,
      handleVisible: false,
      level: 2,
      maxLevel: ROW_HEIGHTS.length - 1,
      marquee: null,
    };
  },
  computed: {
    sourceKey() {
      return JSON.stringify([this.api_base, this.view, this.query]);
    },
  },
  watch: {
    sourceKey() {
      this.reload();
    },
  },
  created() {
    // non-reactive state: large arrays must stay out of Vue's reactivity system
    this.st = { secs: [], g: null, gen: 0, inFlight: 0, selected: new Set(), anchor: null, frame: 0, sig: "" };
    this.levels = { ...DEFAULT_LEVEL, ...JSON.parse(localStorage.getItem(LEVEL_KEY) || "{}") };
  },
  mounted() {
    injectStyle();
    this.onKey = (e) => e.key === "Escape" && this.selCount > 0 && this.clearSelection();
    document.addEventListener("keydown", this.onKey);
    this.resizer = new ResizeObserver(() => this.relayout());
    this.resizer.observe(this.$el);
    this.onWheel = (e) => this.wheelZoom(e);
    this.$refs.scroller.addEventListener("wheel", this.onWheel, { passive: false });
    this.onTouch = (e) => this.pinch(e);
    for (const type of ["touchstart", "touchmove", "touchend"]) {
      this.$refs.scroller.addEventListener(type, this.onTouch, { passive: false });
    }
    this.relayout();
    this.reload();
  },
  unmounted() {
    document.removeEventListener("keydown", this.onKey);
    this.st.drag = null;
    this.resizer.disconnect();
    cancelAnimationFrame(this.st.frame);
  },
  methods: {
    thumbnailOf(asset) {
      const address = this.thumb.replace("{id}", asset.id);
      if (!asset.r) return address;
      return `${address}${address.includes("?") ? "&" : "?"}r=${asset.r}`; // a turned photo has a new thumbnail
    },
    // ---- data -------------------------------------------------------------------------------------------------
    url(path) {
      const params = new URLSearchParams({ view: this.view });
      for (const [key, value] of Object.entries(this.query || {})) {
        if (value === null || value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
      }
      return `${this.api_base}${path}?${params}`;
    },
    async getJson(path) {
      const response = await fetch(this.url(path), { credentials: "same-origin" });
      if (!response.ok) throw new Error(`${response.status} ${path}`);
      return response.json();
    },
    async reload() {
      const gen = ++this.st.gen;
      const buckets = await this.getJson("/buckets").catch(() => null);
      if (gen !== this.st.gen || buckets === null) return;
      const old = new Map(this.st.secs.map((s) => [s.month, s]));
      this.st.secs = buckets.map((b, mi) => this.makeSection(b, old.get(b.month), mi));
      this.st.inFlight = 0;
      this.st.anchor = null;
      if (this.st.selected.size) this.clearSelection();
      this.relayout();
      const total = buckets.reduce((sum, b) => sum + b.count, 0);
      this.$emit("buckets", { months: buckets, total });
    },
    makeSection(bucket, previous, mi) {
      const keep = previous && previous.assets && previous.count === bucket.count;
      return {
        mi, month: bucket.month, count: bucket.count, label: monthLabel(bucket.month),
        assets: keep ? previous.assets : null, stale: Boolean(keep), loading: false, failedAt: 0,
        rows: null, height: 0, top: 0, selectOnLoad: false,
      };
    },
    pump() {
      const { secs } = this.st;
      const el = this.$refs.scroller;
      if (!el || !secs.length) return;
      const vh = el.clientHeight;
      const from = el.scrollTop - vh * PREFETCH;
      const to = el.scrollTop + vh * (1 + PREFETCH);
      const center = el.scrollTop + vh / 2;
      const now = Date.now();
      const wanted = [];
      for (let i = lastAtOrBefore(secs, Math.max(0, from)); i < secs.length && secs[i].top < to; i++) {
        const s = secs[i];
        if ((!s.assets || s.stale) && !s.loading && now - s.failedAt > RETRY_MS) wanted.push(s);
      }
      wanted.sort((a, b) => Math.abs(a.top + a.height / 2 - center) - Math.abs(b.top + b.height / 2 - center));
      for (const s of wanted.slice(0, MAX_IN_FLIGHT - this.st.inFlight)) this.loadMonth(s);
    },
    async loadMonth(sec) {
      const gen = this.st.gen;
      sec.loading = true;
      this.st.inFlight++;
      try {
        const data = await this.getJson(`/buckets/${encodeURIComponent(sec.month)}`);
        if (gen !== this.st.gen) return;
        sec.assets = data.assets;
        sec.stale = false;
        if (sec.selectOnLoad) sec.assets.forEach((a) => this.st.selected.add(a.id));
        this.resizeSection(sec);
        if (sec.selectOnLoad) this.selectionChanged();
      } catch (e) {
        sec.failedAt = Date.now();
      } finally {
        if (gen === this.st.gen) {
          sec.loading = false;
          sec.selectOnLoad = false;
          this.st.inFlight--;
          this.schedule();
        }
      }
    },
    // ---- layout -----------------------------------------------------------------------------------------------
    measure(sec) {
      const g = this.st.g;
      if (sec.assets) Object.assign(sec, layoutMonth(sec.assets, g));
      else Object.assign(sec, { rows: null, height: estimateHeight(sec.count, g) });
    },
    positions() {
      let top = 0;
      for (const s of this.st.secs) {
        s.top = top;
        top += s.height;
      }
      this.totalHeight = Math.ceil(top);
      this.st.sig = "";
      this.yearLabels();
    },
    relayout() {
      const el = this.$refs.scroller;
      if (!el || !el.clientWidth) return;
      const { secs } = this.st;
      const anchor = secs.length ? secs[lastAtOrBefore(secs, el.scrollTop)] : null;
      const ratio = anchor && anchor.height ? (el.scrollTop - anchor.top) / anchor.height : 0;
      const kind = el.clientWidth < 640 ? "phone" : "wide";
      this.maxLevel = (kind === "phone" ? PHONE_COLUMNS : ROW_HEIGHTS).length - 1;
      this.level = Math.min(this.maxLevel, Math.max(0, this.levels[kind]));
      const g = geometry(el.clientWidth, this.level);
      this.st.g = g;
      this.phone = g.phone;
      this.cssVars = {
        "--htg-cell": `${g.rowH}px`, "--htg-gap": `${g.gap}px`, "--htg-pad": `${g.pad}px`,
        "--htg-gutter": `${g.gutter}px`, "--htg-month-h": `${g.monthH}px`, "--htg-day-h": `${g.dayH}px`,
      };
      secs.forEach((s) => this.measure(s));
      this.positions();
      if (anchor) el.scrollTop = anchor.top + ratio * anchor.height;
      this.schedule();
    },
    // ---- density ----------------------------------------------------------------------------------------------
    zoom(step) {
      const kind = this.phone ? "phone" : "wide";
      const level = Math.min(this.maxLevel, Math.max(0, this.level + step));
      if (level === this.level) return;
      this.levels[kind] = level;
      localStorage.setItem(LEVEL_KEY, JSON.stringify(this.levels));
      this.relayout();
    },
    wheelZoom(event) {
      if (!event.ctrlKey) return;
      event.preventDefault(); // Ctrl+wheel (and a touchpad pinch) would zoom the whole page
      const now = Date.now();
      if (now - (this.st.wheelAt || 0) < 250) return;
      this.st.wheelAt = now;
      this.zoom(event.deltaY < 0 ? 1 : -1);
    },
    pinch(event) {
      if (event.touches.length !== 2) {
        this.st.pinch = null;
        return;
      }
      event.preventDefault();
      const [a, b] = event.touches;
      const distance = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
      if (!this.st.pinch) this.st.pinch = distance;
      else if (distance / this.st.pinch > 1.3 || distance / this.st.pinch < 0.77) {
        this.zoom(distance > this.st.pinch ? 1 : -1);
        this.st.pinch = distance;
      }
    },
    resizeSection(sec) {
      const el = this.$refs.scroller;
      const before = sec.height;
      const wasAbove = sec.top + before <= el.scrollTop + 2; // scrollTop is rounded to whole pixels
      this.measure(sec);
      this.positions();
      if (wasAbove && sec.height !== before) el.scrollTop += sec.height - before;
    },
    yearLabels() {
      const track = this.$el ? this.$el.clientHeight - 20 : 0;
      const years = [];
      for (const s of this.st.secs) {
        const year = s.month.slice(0, 4);
        if (!years.length || years[years.length - 1].year !== year) {
          years.push({ year, y: 10 + this.offsetToTrack(s.top, track) });
        }
      }
      this.years = spreadYears(years, 10, 10 + track);
    },
    maxScroll() {
      const el = this.$refs.scroller;
      return Math.max(1, this.totalHeight - el.clientHeight);
    },
    offsetToTrack(offset, track) {
      return Math.max(0, Math.min(1, offset / this.maxScroll())) * track;
    },
    // ---- rendering --------------------------------------------------------------------------------------------
    onScroll() {
      this.schedule();
      if (!this.phone) return;
      this.handleVisible = true;
      clearTimeout(this.hideTimer);
      this.hideTimer = setTimeout(() => (this.handleVisible = false), 1500);
    },
    schedule() {
      if (this.st.frame) return;
      this.st.frame = requestAnimationFrame(() => {
        this.st.frame = 0;
        this.render();
        this.pump();
      });
    },
    render() {
      const el = this.$refs.scroller;
      const { secs, g } = this.st;
      if (!el || !g) return;
      this.placeThumb();
      const vh = el.clientHeight;
      const from = el.scrollTop - vh * OVERSCAN;
      const to = el.scrollTop + vh * (1 + OVERSCAN);
      const first = secs.length ? lastAtOrBefore(secs, Math.max(0, from)) : 0;
      let last = first;
      while (last < secs.length && secs[last].top < to) last++;
      const sig = `${first}:${last}:${Math.floor(from / 200)}:${Math.floor(to / 200)}`;
      if (sig === this.st.sig) return;
      this.st.sig = sig;
      const items = [];
      for (let i = first; i < last; i++) this.sectionItems(secs[i], from, to, items);
      this.items = Object.freeze(items);
    },
    sectionItems(sec, from, to, items) {
      const g = this.st.g;
      if (sec.top + g.monthH > from) {
        const sel = Boolean(sec.assets && sec.assets.length && sec.assets.every((a) => this.st.selected.has(a.id)));
        items.push({ kind: "month", key: `m${sec.month}`, top: sec.top, label: sec.label, mi: sec.mi, sel });
      }
      if (!sec.rows) return this.placeholderItems(sec, from, to, items);
      const lines = sec.rows;
      for (let r = lastAtOrBefore(lines, from - sec.top); r < lines.length; r++) {
        const line = lines[r];
        const top = sec.top + line.top;
        if (top >= to) break;
        if (top + line.height < from) continue;
        items.push({
          kind: "line", key: `l${sec.month}:${r}`, top, height: line.height,
          labels: line.labels.map((d) => this.dayItem(sec, d)),
          cells: line.cells.map((c) => this.cellItem(sec, c)),
        });
      }
    },
    placeholderItems(sec, from, to, items) {
      const g = this.st.g;
      const body = sec.top + g.monthH;
      const step = g.rowH + g.dayH + g.gap;
      const n = Math.floor((sec.height - g.monthH) / step);
      const a = Math.max(0, Math.floor((from - body) / step));
      const b = Math.min(n, Math.ceil((to - body) / step));
      for (let r = a; r < b; r++) {
        items.push({ kind: "ph", key: `p${sec.month}:${r}`, top: body + r * step + g.dayH, height: g.rowH });
      }
    },
    dayItem(sec, d) {
      const ids = sec.assets.slice(d.first, d.first + d.count);
      const sel = ids.every((a) => this.st.selected.has(a.id));
      const title = dayLabel(d.day, Infinity);
      const room = d.w + this.st.g.groupGap - (this.selCount > 0 ? 26 : 0); // a label may reach into the gap
      return {
        key: d.day, x: d.x, w: d.w + this.st.g.groupGap, label: dayLabel(d.day, room), title, sel, mi: sec.mi,
        first: d.first, count: d.count,
      };
    },
    cellItem(sec, c) {
      const a = sec.assets[c.ai];
      return {
        id: a.id, mi: sec.mi, ai: c.ai, month: sec.month, sel: this.st.selected.has(a.id), fav: Boolean(a.favorite),
        video: a.type === "video", dur: duration(a.duration),
        thumb: this.thumbnailOf(a),
        x: c.x, y: c.y, w: c.w, h: c.h,
        label: `${a.type === "video" ? "Video" : "Photo"}, ${dayKey(a) ? YEAR_DAY_FORMAT.format(utcDate(dayKey(a))) : "unknown date"}`,
      };
    },
    placeThumb() {
      const thumb = this.$refs.thumb;
      const scrub = this.$refs.scrub;
      if (!thumb || !scrub) return;
      const inset = this.trackInset();
      const y = inset + this.offsetToTrack(this.$refs.scroller.scrollTop, scrub.clientHeight - 2 * inset);
      thumb.style.top = `${this.phone ? y - inset : y}px`;
    },
    trackInset() {
      return this.phone ? 22 : 10; // half the phone handle; desktop margin matching the year labels
    },
    // ---- selection --------------------------------------------------------------------------------------------
    onCell(event, cell) {
      if (this.st.suppressClick) {
        this.st.suppressClick = false;
        return;
      }
      if (this.selCount > 0) this.toggle(cell, event.shiftKey);
      else this.$emit("open", { id: cell.id, month: cell.month });
    },
    onCheck(event, cell) {
      this.toggle(cell, event.shiftKey);
    },
    onPress(event, cell) {
      if (event.pointerType !== "touch") return;
      this.cancelPress();
      this.pressTimer = setTimeout(() => {
        this.st.suppressClick = true;
        this.toggle(cell, false);
      }, LONG_PRESS_MS);
    },
    cancelPress() {
      clearTimeout(this.pressTimer);
    },
    onContextMenu(event) {
      if (this.phone) event.preventDefault();
    },
    toggle(cell, shift) {
      const sel = this.st.selected;
      if (shift && this.st.anchor) this.selectRange(this.st.anchor, cell);
      else if (sel.has(cell.id)) sel.delete(cell.id);
      else sel.add(cell.id);
      this.st.anchor = { mi: cell.mi, ai: cell.ai };
      this.selectionChanged();
    },
    selectRange(a, b) {
      const [lo, hi] = a.mi < b.mi || (a.mi === b.mi && a.ai <= b.ai) ? [a, b] : [b, a];
      for (let mi = lo.mi; mi <= hi.mi; mi++) {
        const assets = this.st.secs[mi].assets || [];
        const end = mi === hi.mi ? hi.ai : assets.length - 1;
        for (let ai = mi === lo.mi ? lo.ai : 0; ai <= end && ai < assets.length; ai++) {
          this.st.selected.add(assets[ai].id);
        }
      }
    },
    toggleMonth(mi) {
      const sec = this.st.secs[mi];
      if (!sec.assets) {
        sec.selectOnLoad = true;
        if (!sec.loading) this.loadMonth(sec);
        return;
      }
      const all = sec.assets.every((a) => this.st.selected.has(a.id));
      sec.assets.forEach((a) => (all ? this.st.selected.delete(a.id) : this.st.selected.add(a.id)));
      this.selectionChanged();
    },
    toggleDay(d) {
      const assets = this.st.secs[d.mi].assets.slice(d.first, d.first + d.count);
      const all = assets.every((a) => this.st.selected.has(a.id));
      assets.forEach((a) => (all ? this.st.selected.delete(a.id) : this.st.selected.add(a.id)));
      this.selectionChanged();
    },
    // ---- drag to select (mouse) -------------------------------------------------------------------------------
    contentPoint(event) {
      const el = this.$refs.scroller;
      const rect = el.getBoundingClientRect();
      return { x: event.clientX - rect.left - this.st.g.pad, y: event.clientY - rect.top + el.scrollTop };
    },
    onDragDown(event) {
      if (event.pointerType !== "mouse" || event.button !== 0 || event.target.closest(".htg-check")) return;
      const p = this.contentPoint(event);
      this.st.drag = { x0: p.x, y0: p.y, active: false, base: new Set(this.st.selected), event };
    },
    onDragMove(event) {
      const drag = this.st.drag;
      if (!drag) return;
      drag.event = event;
      if (!drag.active) {
        const p = this.contentPoint(event);
        if (Math.hypot(p.x - drag.x0, p.y - drag.y0) < DRAG_START_PX) return;
        drag.active = true;
        this.cancelPress();
        this.$refs.scroller.setPointerCapture(event.pointerId);
        this.dragLoop();
      }
      this.dragSelect();
    },
    dragSelect() {
      const { drag, g } = this.st;
      const p = this.contentPoint(drag.event);
      const box = {
        left: Math.min(drag.x0, p.x), right: Math.max(drag.x0, p.x),
        top: Math.min(drag.y0, p.y), bottom: Math.max(drag.y0, p.y),
      };
      this.marquee = {
        left: `${box.left + g.pad}px`, top: `${box.top}px`,
        width: `${box.right - box.left}px`, height: `${box.bottom - box.top}px`,
      };
      this.st.selected = new Set([...drag.base, ...this.idsIn(box)]);
      this.selectionChanged();
    },
    dragLoop() {
      const drag = this.st.drag;
      if (!drag || !drag.active) return;
      const el = this.$refs.scroller;
      const rect = el.getBoundingClientRect();
      const y = drag.event.clientY;
      const step = y < rect.top + 48 ? -16 : y > rect.bottom - 48 ? 16 : 0;
      if (step) {
        el.scrollTop += step;
        this.dragSelect();
      }
      requestAnimationFrame(() => this.dragLoop());
    },
    idsIn(box) {
      const ids = [];
      for (const sec of this.st.secs) {
        if (sec.top > box.bottom) break;
        if (!sec.rows || sec.top + sec.height < box.top) continue;
        for (const line of sec.rows) {
          const top = sec.top + line.top;
          if (top > box.bottom || top + line.height < box.top) continue;
          for (const c of line.cells) {
            const y = top + c.y;
            if (c.x < box.right && c.x + c.w > box.left && y < box.bottom && y + c.h > box.top) {
              ids.push(sec.assets[c.ai].id);
            }
          }
        }
      }
      return ids;
    },
    onDragEnd() {
      const drag = this.st.drag;
      this.st.drag = null;
      if (!drag || !drag.active) return;
      this.marquee = null;
      this.st.suppressClick = true; // the click that ends a drag is not a tap on a photo
      setTimeout(() => (this.st.suppressClick = false), 0);
    },
    selectionChanged() {
      this.selCount = this.st.selected.size;
      this.st.sig = "";
      this.render();
      this.$emit("selection", { ids: [...this.st.selected] });
    },
    clearSelection() {
      this.st.selected.clear();
      this.st.anchor = null;
      this.selectionChanged();
    },
    // ---- navigation / scrubber --------------------------------------------------------------------------------
    scrollToMonth(month) {
      const sec = this.st.secs.find((s) => s.month === month);
      if (sec) this.$refs.scroller.scrollTop = sec.top;
    },
    trackOffset(event) {
      const rect = this.$refs.scrub.getBoundingClientRect();
      const inset = this.trackInset();
      const y = Math.max(inset, Math.min(rect.height - inset, event.clientY - rect.top));
      return { y, fraction: (y - inset) / Math.max(1, rect.height - 2 * inset) };
    },
    labelAt(fraction) {
      const { secs } = this.st;
      return secs.length ? secs[lastAtOrBefore(secs, fraction * this.maxScroll())].label : "";
    },
    onScrubDown(event) {
      this.dragging = true;
      event.currentTarget.setPointerCapture(event.pointerId);
      this.onScrubMove(event);
    },
    onScrubMove(event) {
      if (this.phone && !this.dragging) return;
      const { y, fraction } = this.trackOffset(event);
      this.hoverLabel = this.labelAt(fraction);
      this.hoverY = event.pointerType === "mouse" || this.dragging ? y : null;
      if (this.dragging) {
        this.$refs.scroller.scrollTop = fraction * this.maxScroll();
        this.onScroll();
      }
    },
    onScrubUp() {
      this.dragging = false;
      this.hoverY = null;
    },
  },
};
