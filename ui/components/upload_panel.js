// Hearth uploads: a hidden file picker, the whole page as a drop target, and a floating panel with one line per file.
// Each file is its own POST (multipart, field "file") to `url`, a few at a time, with the page's session cookie.
// The browser filters nothing: the server's answer says why a file was refused.

const STYLE_ID = "hearth-upload-panel-style";
const PARALLEL = 3;

const CSS = `
.hup-drop { position: fixed; inset: 0; z-index: 6000; display: flex; align-items: center; justify-content: center;
  background: rgba(180, 83, 42, .12); border: 3px dashed #b4532a; pointer-events: none; }
.hup-drop span { padding: 12px 24px; border-radius: 999px; background: #fff; color: #7c2d12;
  box-shadow: 0 4px 24px rgba(0, 0, 0, .22); font: 500 20px system-ui, sans-serif; }
.hup-panel { width: min(28rem, calc(100vw - 24px)); background: #fff; color: #1c1917; border-radius: 12px;
  box-shadow: 0 4px 24px rgba(0, 0, 0, .22); overflow: hidden; font: 14px system-ui, -apple-system, sans-serif; }
.hup-head { display: flex; align-items: center; gap: 8px; padding: 6px 6px 6px 14px; }
.hup-title { flex: 1; font-weight: 600; font-size: 15px; }
.hup-counts { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.hup-count { all: unset; cursor: pointer; padding: 2px 10px; border-radius: 999px; background: #f5f5f4; }
.hup-count.on { background: #b4532a; color: #fff; }
.hup-count.refused { color: #b91c1c; }
.hup-count.refused.on { background: #b91c1c; color: #fff; }
.hup-list { list-style: none; margin: 0; padding: 0 0 6px; max-height: min(18rem, 32vh); overflow-y: auto;
  overscroll-behavior: contain; border-top: 1px solid #e7e5e4; }
.hup-row { display: flex; align-items: center; gap: 8px; padding: 4px 12px; line-height: 20px; }
.hup-name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.hup-state { flex: none; max-width: 55%; color: #78716c; text-align: right; }
.hup-row.refused .hup-state { color: #b91c1c; }
.hup-row.added .hup-state { color: #15803d; }
.body--dark .hup-panel, .body--dark .hup-drop span { background: #292524; color: #f5f5f4; }
.body--dark .hup-count { background: #44403c; }
.body--dark .hup-state { color: #a8a29e; }
.body--dark .hup-count.refused, .body--dark .hup-row.refused .hup-state { color: #fca5a5; }
.body--dark .hup-count.refused.on { background: #b91c1c; color: #fff; }
.body--dark .hup-row.added .hup-state { color: #86efac; }
.body--dark .hup-list { border-color: #44403c; }
`;

const ICONS = {
  waiting: "schedule", uploading: "cloud_upload", added: "check_circle", duplicate: "library_add_check",
  refused: "error_outline",
};

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

function serverDetail(body) {
  try {
    const detail = JSON.parse(body).detail;
    return typeof detail === "string" ? detail : "";
  } catch {
    return "";
  }
}

// Plain words for the server's answer; its full sentence stays in the line's tooltip.
function refusal(status, detail) {
  if (status === 415) return "not a photo or video";
  if (status === 413) return /quota/i.test(detail) ? "over your storage quota" : "too large";
  if (status === 400) return /megapixels/i.test(detail) ? "too large" : "damaged";
  if (status === 401) return "signed out";
  if (status === 0) return "connection lost";
  return "server error";
}

function megabytes(bytes) {
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

export default {
  template: `
  <div>
    <input ref="input" type="file" multiple hidden @change="onPicked">
    <div v-if="dragging" class="hup-drop"><span>Drop photos and videos to upload them</span></div>
    <q-page-sticky v-if="rows.length" position="bottom-left" :offset="[12, 12]" style="z-index: 2100">
      <section class="hup-panel" data-testid="upload-panel" aria-label="Uploads">
        <div class="hup-head">
          <q-icon :name="running ? 'cloud_upload' : 'cloud_done'" size="22px" color="primary"></q-icon>
          <span class="hup-title" role="status" data-testid="upload-title">{{ title }}</span>
          <q-btn flat round dense :icon="collapsed ? 'expand_less' : 'expand_more'" data-testid="upload-collapse"
            :aria-label="collapsed ? 'Show the files' : 'Hide the files'" @click="collapsed = !collapsed"></q-btn>
          <q-btn v-if="!running" flat round dense icon="close" aria-label="Close" data-testid="upload-close"
            @click="rows = []"></q-btn>
        </div>
        <q-linear-progress v-if="running" :value="progress" color="primary" size="3px"></q-linear-progress>
        <template v-if="!collapsed">
          <div class="hup-counts" data-testid="upload-counts">
            <button v-for="c in counters" :key="c.state" type="button" class="hup-count"
              :class="[c.state, {on: filter === c.state}]" :aria-pressed="filter === c.state"
              @click="filter = filter === c.state ? null : c.state">{{ c.count }} {{ c.label }}</button>
          </div>
          <ul class="hup-list" data-testid="upload-list">
            <li v-for="row in shown" :key="row.id" class="hup-row" :class="row.state">
              <q-icon :name="icons[row.state]" size="18px"></q-icon>
              <span class="hup-name" :title="row.name">{{ row.name }}</span>
              <span class="hup-state" :title="row.detail">{{ stateText(row) }}</span>
            </li>
          </ul>
        </template>
      </section>
    </q-page-sticky>
  </div>`,
  props: {
    url: { type: String, required: true },
    max_bytes: { type: Number, required: true },
  },
  emits: ["finished"],
  data() {
    return { rows: [], collapsed: false, filter: null, dragging: false, icons: ICONS };
  },
  computed: {
    running() {
      return this.rows.some((row) => row.state === "waiting" || row.state === "uploading");
    },
    count() {
      const count = { added: 0, duplicate: 0, refused: 0 };
      for (const row of this.rows) if (row.state in count) count[row.state] += 1;
      return count;
    },
    counters() {
      const { added, duplicate, refused } = this.count;
      return [
        { state: "added", label: "added", count: added },
        { state: "duplicate", label: "already there", count: duplicate },
        { state: "refused", label: "refused", count: refused },
      ];
    },
    title() {
      const { added, duplicate, refused } = this.count;
      if (this.running) return `Uploading ${added + duplicate + refused} of ${this.rows.length}`;
      return this.counters.filter((c) => c.count || c.state === "added").map((c) => `${c.count} ${c.label}`)
        .join(", ");
    },
    progress() {
      let sent = 0, size = 0;
      for (const row of this.rows) {
        size += row.size;
        sent += row.state === "uploading" ? row.size * row.sent : row.state === "waiting" ? 0 : row.size;
      }
      return size ? sent / size : 0;
    },
    shown() {
      return this.filter ? this.rows.filter((row) => row.state === this.filter) : this.rows;
    },
  },
  created() {
    // File handles stay out of Vue's reactivity; each is dropped once its answer is in (a 503 sends it again)
    this.st = { queue: [], active: 0, nextId: 0, clicks: 0 };
  },
  mounted() {
    injectStyle();
    this.listeners = {
      click: (e) => e.target.closest?.("[data-upload-picker]") && this.pickNow(),
      dragover: (e) => this.onDragOver(e),
      dragleave: (e) => e.relatedTarget === null && (this.dragging = false),
      drop: (e) => this.onDrop(e),
      beforeunload: (e) => this.running && (e.preventDefault(), (e.returnValue = "")),
    };
    document.addEventListener("click", this.listeners.click, true);
    for (const name of ["dragover", "dragleave", "drop", "beforeunload"]) {
      window.addEventListener(name, this.listeners[name]);
    }
  },
  unmounted() {
    document.removeEventListener("click", this.listeners.click, true);
    for (const name of ["dragover", "dragleave", "drop", "beforeunload"]) {
      window.removeEventListener(name, this.listeners[name]);
    }
  },
  methods: {
    // Safari shows a file chooser only inside the click itself, not after a round trip to the server: a picker
    // button opens it here, and the open() the server then sends for the same click is skipped.
    pickNow() {
      this.st.clicks += 1;
      this.$refs.input.click();
    },
    open() {
      if (this.st.clicks) this.st.clicks -= 1;
      else this.$refs.input.click();
    },
    onPicked(e) {
      this.add([...e.target.files].map((file) => ({ file, folder: false })));
      e.target.value = "";
    },
    onDragOver(e) {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      this.dragging = true;
    },
    onDrop(e) {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      this.dragging = false;
      const items = [...e.dataTransfer.items];
      const folder = (i) => Boolean(items[i]?.webkitGetAsEntry?.()?.isDirectory);
      this.add([...e.dataTransfer.files].map((file, i) => ({ file, folder: folder(i) })));
    },
    add(picked) {
      if (!picked.length) return;
      if (!this.running) {
        this.rows = [];
        this.filter = null;
      }
      for (const { file, folder } of picked) {
        const row = { id: this.st.nextId++, name: file.name, size: file.size, state: "waiting", sent: 0, detail: "" };
        if (folder) this.refuse(row, "a folder", "Folders are not uploaded: open the folder and choose its files.");
        else if (file.size > this.max_bytes) {
          this.refuse(row, "too large", `The file is larger than the upload limit of ${megabytes(this.max_bytes)}`);
        } else this.st.queue.push({ index: this.rows.length, file });
        this.rows.push(row);
      }
      this.pump();
    },
    refuse(row, reason, detail) {
      Object.assign(row, { state: "refused", reason, detail });
    },
    pump() {
      while (this.st.active < PARALLEL && this.st.queue.length) {
        const { index, file } = this.st.queue.shift();
        this.st.active += 1;
        this.send(this.rows[index], file);
      }
      if (!this.st.active) this.$emit("finished", this.count);
    },
    send(row, file) {
      row.state = "uploading";
      const xhr = new XMLHttpRequest();
      xhr.open("POST", this.url);
      xhr.upload.onprogress = (e) => e.lengthComputable && (row.sent = e.loaded / e.total);
      xhr.onload = () => this.settle(row, file, xhr);
      xhr.onerror = () => this.settle(row, file, null);
      const form = new FormData();
      form.append("file", file);
      xhr.send(form);
    },
    settle(row, file, xhr) {
      const [status, body] = xhr ? [xhr.status, xhr.responseText] : [0, ""];
      if (status === 503) {
        // The server is busy with other uploads and nothing was stored: send the same file again when it says
        const seconds = Number(xhr.getResponseHeader("Retry-After")) || 2;
        Object.assign(row, { state: "waiting", sent: 0 });
        setTimeout(() => this.send(row, file), (seconds + Math.random()) * 1000);
        return;
      }
      this.st.active -= 1;
      if (status === 200 || status === 201) row.state = JSON.parse(body).status === "duplicate" ? "duplicate" : "added";
      else {
        const detail = serverDetail(body);
        this.refuse(row, refusal(status, detail), detail || `The server answered ${status || "nothing"}`);
      }
      this.pump();
    },
    stateText(row) {
      if (row.state === "uploading") return `${Math.round(row.sent * 100)}%`;
      if (row.state === "refused") return row.reason;
      return { waiting: "waiting", added: "added", duplicate: "already there" }[row.state];
    },
  },
};
