// Hearth timeline grid: a browser-virtualised photo grid that fetches its own data over HTTP.
// Only the rows near the viewport exist in the DOM; unloaded months are estimated from their counts.

const STYLE_ID = "hearth-timeline-grid-style";
const MAX_IN_FLIGHT = 3;
const OVERSCAN = 0.75; // screens rendered above and below the viewport
const PREFETCH = 1.5; // screens around the viewport whose months are fetched
const RETRY_MS = 5000;
const LONG_PRESS_MS = 450;
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const CSS = `
.htg { position: relative; overflow: hidden; background: var(--htg-bg, #fff); color: #202124;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.htg-scroller { position: absolute; inset: 0; overflow-y: auto; overflow-x: hidden; scrollbar-width: none;
  overscroll-behavior: contain; overflow-anchor: none; outline: none; }
.htg-scroller::-webkit-scrollbar { display: none; }
.htg-canvas { position: relative; width: 100%; }
.htg-month, .htg-day, .htg-row, .htg-ph { position: absolute; left: var(--htg-pad); right: calc(var(--htg-gutter) + var(--htg-pad)); }
.htg-month { display: flex; align-items: flex-end; gap: 10px; padding: 0 4px 6px; box-sizing: border-box;
  height: var(--htg-month-h); }
.htg-month h2 { margin: 0; font-size: 20px; line-height: 28px; font-weight: 500; letter-spacing: .1px; }
.htg.phone .htg-month h2 { font-size: 17px; line-height: 24px; }
.htg-day { display: flex; align-items: center; height: var(--htg-day-h); padding: 0 4px; box-sizing: border-box;
  font-size: 14px; font-weight: 500; color: #3c4043; }
.htg-row { display: grid; grid-template-columns: repeat(var(--htg-cols), 1fr); gap: var(--htg-gap);
  height: var(--htg-cell); }
.htg-ph { height: var(--htg-cell); background: repeating-linear-gradient(to right, #eceff1 0,
  #eceff1 var(--htg-cell), transparent var(--htg-cell), transparent calc(var(--htg-cell) + var(--htg-gap))); }
.htg-cell { position: relative; overflow: hidden; background: #eceff1; user-select: none;
  -webkit-user-select: none; -webkit-touch-callout: none; }
.htg-open { all: unset; display: block; width: 100%; height: 100%; cursor: pointer; }
.htg-open:focus-visible { outline: 3px solid #1a73e8; outline-offset: -3px; }
.htg-open img { display: block; width: 100%; height: 100%; object-fit: cover; transition: transform .12s ease; }
.htg-cell.sel { background: #d2e3fc; }
.htg-cell.sel img { transform: scale(.86); border-radius: 4px; }
.htg-cell:hover .htg-open::after { content: ""; position: absolute; inset: 0; pointer-events: none;
  background: linear-gradient(to bottom, rgba(0,0,0,.28), transparent 34%); }
.htg-check { all: unset; position: absolute; box-sizing: border-box; width: 24px; height: 24px; border-radius: 50%;
  border: 2px solid rgba(255,255,255,.92); background: rgba(0,0,0,.12); cursor: pointer; opacity: 0;
  transition: opacity .1s ease; }
.htg-cell .htg-check { top: 6px; left: 6px; }
.htg-check::after { content: ""; position: absolute; left: 7px; top: 3px; width: 5px; height: 10px;
  border: solid #fff; border-width: 0 2px 2px 0; transform: rotate(45deg); opacity: 0; }
.htg-cell:hover .htg-check, .htg.selecting .htg-check, .htg-check:focus-visible { opacity: 1; }
.htg-check:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
.htg-check.on { background: #1a73e8; border-color: #1a73e8; }
.htg-check.on::after { opacity: 1; }
.htg-month .htg-check { position: relative; border-color: #9aa0a6; background: transparent; margin-bottom: 2px; }
.htg-month .htg-check::after { border-color: #fff; }
.htg-month .htg-check.on { background: #1a73e8; border-color: #1a73e8; }
.htg-month:hover .htg-check { opacity: 1; }
.htg.phone .htg-month .htg-check { display: none; }
.htg.phone.selecting .htg-month .htg-check { display: block; }
.htg-badge { position: absolute; top: 6px; right: 6px; display: flex; align-items: center; gap: 3px;
  color: #fff; font-size: 12px; font-weight: 500; text-shadow: 0 0 3px rgba(0,0,0,.7); pointer-events: none; }
.htg-badge svg { width: 14px; height: 14px; fill: #fff; filter: drop-shadow(0 0 2px rgba(0,0,0,.6)); }
.htg-fav { position: absolute; left: 6px; bottom: 5px; width: 18px; height: 18px; fill: #fff; pointer-events: none;
  filter: drop-shadow(0 0 2px rgba(0,0,0,.7)); }
.htg-scrub { position: absolute; top: 0; right: 0; bottom: 0; width: var(--htg-gutter); touch-action: none;
  cursor: pointer; user-select: none; -webkit-user-select: none; }
.htg-year { position: absolute; right: 10px; transform: translateY(-50%); font-size: 11px; color: #5f6368;
  pointer-events: none; }
.htg-thumb { position: absolute; left: 8px; right: 4px; height: 2px; margin-top: -1px; border-radius: 1px;
  background: #1a73e8; pointer-events: none; }
.htg-hover { position: absolute; right: 0; width: 100%; height: 2px; margin-top: -1px; background: #1a73e8;
  pointer-events: none; }
.htg-bubble { position: absolute; right: calc(100% + 6px); top: 0; transform: translateY(-50%); white-space: nowrap;
  background: #fff; color: #1a73e8; font-size: 13px; font-weight: 500; padding: 6px 12px; border-radius: 16px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); pointer-events: none; }
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

function monthLabel(month) {
  const [year, mon] = month.split("-");
  return `${MONTH_NAMES[Number(mon) - 1] || ""} ${year}`;
}

function dayKey(asset) {
  return asset.taken_at ? asset.taken_at.slice(0, 10) : "";
}

function dayLabel(day) {
  if (!day) return "Unknown date";
  const [y, m, d] = day.split("-").map(Number);
  return `${WEEKDAYS[new Date(y, m - 1, d).getDay()]}, ${d} ${MONTH_SHORT[m - 1]}`;
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

function geometry(width) {
  const phone = width < 640;
  const gutter = phone ? 0 : 56;
  const pad = phone ? 2 : 16;
  const gap = phone ? 2 : 4;
  const target = phone ? 120 : 180;
  const inner = Math.max(100, width - gutter - pad * 2);
  const cols = Math.max(3, Math.floor((inner + gap) / (target + gap)));
  const cell = (inner - gap * (cols - 1)) / cols;
  return { phone, gutter, pad, gap, cols, cell, rowH: cell + gap, monthH: phone ? 48 : 60, dayH: phone ? 36 : 40 };
}

function estimateHeight(count, g) {
  const days = Math.max(1, Math.min(count, Math.round(Math.sqrt(count) * 1.2)));
  const rows = Math.ceil(count / g.cols) + Math.round(days * 0.5);
  return g.monthH + days * g.dayH + rows * g.rowH;
}

function layoutMonth(assets, g) {
  const rows = [];
  let y = g.monthH;
  let i = 0;
  while (i < assets.length) {
    const day = dayKey(assets[i]);
    let j = i;
    while (j < assets.length && dayKey(assets[j]) === day) j++;
    rows.push({ kind: "day", top: y, day });
    y += g.dayH;
    for (let k = i; k < j; k += g.cols) {
      rows.push({ kind: "cells", top: y, start: k, end: Math.min(k + g.cols, j) });
      y += g.rowH;
    }
    i = j;
  }
  return { rows, height: y + g.gap };
}

export default {
  template: `
  <div class="htg" :class="{phone: phone, selecting: selCount > 0}" :style="cssVars">
    <div ref="scroller" class="htg-scroller" tabindex="-1" @scroll.passive="onScroll">
      <div class="htg-canvas" :style="{height: totalHeight + 'px'}">
        <template v-for="it in items" :key="it.key">
          <div v-if="it.kind === 'month'" class="htg-month" :style="{top: it.top + 'px'}">
            <h2>{{ it.label }}</h2>
            <button class="htg-check" :class="{on: it.sel}" role="checkbox" :aria-checked="it.sel"
              :aria-label="'Select all in ' + it.label" @click="toggleMonth(it.mi)"></button>
          </div>
          <div v-else-if="it.kind === 'day'" class="htg-day" :style="{top: it.top + 'px'}">{{ it.label }}</div>
          <div v-else-if="it.kind === 'row'" class="htg-row" :style="{top: it.top + 'px'}">
            <div v-for="c in it.cells" :key="c.id" class="htg-cell" :class="{sel: c.sel}">
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
          <div v-else class="htg-ph" :style="{top: it.top + 'px'}"></div>
        </template>
      </div>
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
  },
  mounted() {
    injectStyle();
    this.onKey = (e) => e.key === "Escape" && this.selCount > 0 && this.clearSelection();
    document.addEventListener("keydown", this.onKey);
    this.resizer = new ResizeObserver(() => this.relayout());
    this.resizer.observe(this.$el);
    this.relayout();
    this.reload();
  },
  unmounted() {
    document.removeEventListener("keydown", this.onKey);
    this.resizer.disconnect();
    cancelAnimationFrame(this.st.frame);
  },
  methods: {
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
      const g = geometry(el.clientWidth);
      this.st.g = g;
      this.phone = g.phone;
      this.cssVars = {
        "--htg-cols": g.cols, "--htg-cell": `${g.cell}px`, "--htg-gap": `${g.gap}px`, "--htg-pad": `${g.pad}px`,
        "--htg-gutter": `${g.gutter}px`, "--htg-month-h": `${g.monthH}px`, "--htg-day-h": `${g.dayH}px`,
      };
      secs.forEach((s) => this.measure(s));
      this.positions();
      if (anchor) el.scrollTop = anchor.top + ratio * anchor.height;
      this.schedule();
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
      let lastYear = "";
      let lastY = -Infinity;
      for (const s of this.st.secs) {
        const year = s.month.slice(0, 4);
        if (year === lastYear) continue;
        lastYear = year;
        const y = 10 + this.offsetToTrack(s.top, track);
        if (y - lastY < 18) continue;
        years.push({ year, y });
        lastY = y;
      }
      this.years = years;
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
      const sig = `${first}:${last}:${Math.floor(from / g.rowH)}:${Math.floor(to / g.rowH)}`;
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
      const rows = sec.rows;
      for (let r = lastAtOrBefore(rows, from - sec.top - g.rowH); r < rows.length; r++) {
        const row = rows[r];
        const top = sec.top + row.top;
        if (top >= to) break;
        if (top + g.rowH < from) continue;
        if (row.kind === "day") items.push({ kind: "day", key: `d${sec.month}:${r}`, top, label: dayLabel(row.day) });
        else items.push({ kind: "row", key: `r${sec.month}:${r}`, top, cells: this.cellItems(sec, row) });
      }
    },
    placeholderItems(sec, from, to, items) {
      const g = this.st.g;
      const body = sec.top + g.monthH;
      const n = Math.floor((sec.height - g.monthH) / g.rowH);
      const a = Math.max(0, Math.floor((from - body) / g.rowH));
      const b = Math.min(n, Math.ceil((to - body) / g.rowH));
      for (let r = a; r < b; r++) items.push({ kind: "ph", key: `p${sec.month}:${r}`, top: body + r * g.rowH });
    },
    cellItems(sec, row) {
      const cells = [];
      for (let ai = row.start; ai < row.end; ai++) {
        const a = sec.assets[ai];
        cells.push({
          id: a.id, mi: sec.mi, ai, month: sec.month, sel: this.st.selected.has(a.id), fav: Boolean(a.favorite),
          video: a.type === "video", dur: duration(a.duration), thumb: `/api/assets/${a.id}/thumbnail`,
          label: `${a.type === "video" ? "Video" : "Photo"}, ${dayLabel(dayKey(a))} ${sec.month.slice(0, 4)}`,
        });
      }
      return cells;
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
