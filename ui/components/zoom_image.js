// Hearth viewer image: fitted image with wheel/pinch zoom around the pointer, pan when zoomed, swipe at 1x.

const STYLE_ID = "hearth-zoom-image-style";
const MIN_SCALE = 1;
const MAX_SCALE = 8;
const TOGGLE_SCALE = 2.5;
const SWIPE_MIN_PX = 60;
const TAP_MS = 280;
const DOUBLE_TAP_MS = 320;

const CSS = `
.hzi { position: relative; overflow: hidden; touch-action: none; user-select: none; -webkit-user-select: none; }
.hzi img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; transform-origin: 0 0;
  will-change: transform; -webkit-user-drag: none; }
.hzi.zoomed { cursor: grab; }
.hzi.zoomed:active { cursor: grabbing; }
`;

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function midpoint(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

export default {
  template: `
  <div class="hzi" :class="{zoomed: zoomed}" @pointerdown="onDown" @pointermove="onMove" @pointerup="onUp"
    @pointercancel="onUp" @dblclick="onDoubleClick">
    <img ref="img" :src="src" :alt="alt" draggable="false" @load="onLoad">
  </div>`,
  props: {
    src: { type: String, default: "" },
    alt: { type: String, default: "" },
  },
  emits: ["swipe", "zoom"],
  data() {
    return { zoomed: false };
  },
  watch: {
    src() {
      this.reset();
    },
  },
  created() {
    // non-reactive: updated on every pointer move
    this.t = { s: 1, x: 0, y: 0, nw: 0, nh: 0 };
    this.pointers = new Map();
    this.gesture = null;
    this.lastTap = null;
  },
  mounted() {
    injectStyle();
    this.onWheel = (e) => this.wheel(e);
    this.$el.addEventListener("wheel", this.onWheel, { passive: false });
    this.resizer = new ResizeObserver(() => this.apply());
    this.resizer.observe(this.$el);
  },
  unmounted() {
    this.$el.removeEventListener("wheel", this.onWheel);
    this.resizer.disconnect();
    clearTimeout(this.zoomTimer);
  },
  methods: {
    reset() {
      Object.assign(this.t, { s: 1, x: 0, y: 0 });
      this.apply();
    },
    onLoad() {
      const img = this.$refs.img;
      Object.assign(this.t, { nw: img.naturalWidth, nh: img.naturalHeight });
      this.apply();
    },
    local(e) {
      const rect = this.$el.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    },
    // fitted image rectangle inside the box at scale 1
    fit() {
      const W = this.$el.clientWidth;
      const H = this.$el.clientHeight;
      const { nw, nh } = this.t;
      const k = nw && nh ? Math.min(W / nw, H / nh) : 1;
      const iw = nw ? nw * k : W;
      const ih = nh ? nh * k : H;
      return { W, H, iw, ih, ox: (W - iw) / 2, oy: (H - ih) / 2 };
    },
    clampAxis(pos, box, size, offset, s) {
      if (size * s <= box) return (box - size * s) / 2 - offset * s;
      return clamp(pos, box - (offset + size) * s, -offset * s);
    },
    apply(animate = false, swipeDx = 0) {
      const t = this.t;
      const f = this.fit();
      t.s = clamp(t.s, MIN_SCALE, MAX_SCALE);
      t.x = this.clampAxis(t.x, f.W, f.iw, f.ox, t.s);
      t.y = this.clampAxis(t.y, f.H, f.ih, f.oy, t.s);
      const img = this.$refs.img;
      img.style.transition = animate ? "transform .22s ease" : "none";
      img.style.transform = `translate(${t.x + swipeDx}px, ${t.y}px) scale(${t.s})`;
      this.zoomed = t.s > 1.001;
    },
    zoomAt(point, scale, animate = false) {
      const t = this.t;
      const s = clamp(scale, MIN_SCALE, MAX_SCALE);
      t.x = point.x - ((point.x - t.x) * s) / t.s;
      t.y = point.y - ((point.y - t.y) * s) / t.s;
      t.s = s;
      this.apply(animate);
    },
    emitZoom(delay = 0) {
      clearTimeout(this.zoomTimer);
      this.zoomTimer = setTimeout(() => this.$emit("zoom", { scale: Math.round(this.t.s * 100) / 100 }), delay);
    },
    toggleAt(point) {
      this.zoomAt(point, this.zoomed ? MIN_SCALE : TOGGLE_SCALE, true);
      this.emitZoom();
    },
    wheel(e) {
      e.preventDefault();
      const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
      this.zoomAt(this.local(e), this.t.s * factor);
      this.emitZoom(150);
    },
    onDoubleClick(e) {
      if (this.lastPointerType !== "touch") this.toggleAt(this.local(e));
    },
    onDown(e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      this.lastPointerType = e.pointerType;
      this.$el.setPointerCapture(e.pointerId);
      this.pointers.set(e.pointerId, this.local(e));
      const pts = [...this.pointers.values()];
      const t = this.t;
      if (pts.length === 1) {
        this.gesture = { kind: "pan", start: pts[0], x: t.x, y: t.y, time: Date.now(), pinched: false };
      } else if (pts.length === 2) {
        const mid = midpoint(pts[0], pts[1]);
        this.gesture = {
          kind: "pinch", dist: distance(pts[0], pts[1]) || 1, s: t.s,
          cx: (mid.x - t.x) / t.s, cy: (mid.y - t.y) / t.s, pinched: true,
        };
      }
    },
    onMove(e) {
      if (!this.pointers.has(e.pointerId) || !this.gesture) return;
      this.pointers.set(e.pointerId, this.local(e));
      const pts = [...this.pointers.values()];
      const g = this.gesture;
      const t = this.t;
      if (g.kind === "pinch" && pts.length >= 2) {
        const mid = midpoint(pts[0], pts[1]);
        t.s = clamp((g.s * distance(pts[0], pts[1])) / g.dist, MIN_SCALE, MAX_SCALE);
        t.x = mid.x - g.cx * t.s;
        t.y = mid.y - g.cy * t.s;
        this.apply();
      } else if (g.kind === "pan") {
        const dx = pts[0].x - g.start.x;
        const dy = pts[0].y - g.start.y;
        if (this.zoomed) {
          t.x = g.x + dx;
          t.y = g.y + dy;
          this.apply();
        } else if (Math.abs(dx) > Math.abs(dy)) {
          this.apply(false, dx * 0.5);
        }
      }
    },
    onUp(e) {
      if (!this.pointers.has(e.pointerId)) return;
      const end = this.local(e);
      this.pointers.delete(e.pointerId);
      const g = this.gesture;
      if (!g) return;
      if (g.kind === "pinch") {
        if (this.pointers.size === 0) {
          this.gesture = null;
          this.emitZoom();
        }
        return;
      }
      this.gesture = null;
      this.finishPan(g, end, e.pointerType);
    },
    finishPan(g, end, pointerType) {
      const dx = end.x - g.start.x;
      const dy = end.y - g.start.y;
      if (!this.zoomed && Math.abs(dx) >= SWIPE_MIN_PX && Math.abs(dx) > 1.5 * Math.abs(dy)) {
        this.$emit("swipe", { direction: dx < 0 ? "left" : "right" });
      }
      if (!this.zoomed) this.apply(true);
      const isTap = Math.hypot(dx, dy) < 10 && Date.now() - g.time < TAP_MS;
      if (pointerType === "touch" && isTap) this.tap(end);
    },
    tap(point) {
      const last = this.lastTap;
      if (last && Date.now() - last.time < DOUBLE_TAP_MS && distance(last, point) < 30) {
        this.lastTap = null;
        this.toggleAt(point);
      } else {
        this.lastTap = { ...point, time: Date.now() };
      }
    },
  },
};
