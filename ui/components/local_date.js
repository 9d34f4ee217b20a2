// A date or time in the reader's own language and time zone. Values without an offset (a day, a photo's wall-clock
// time) are shown as they are, never shifted into the reader's zone.
const STYLES = {
  date: { day: "numeric", month: "short", year: "numeric" },
  datetime: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
  day: { weekday: "short", day: "numeric", month: "short" },
  time: { hour: "2-digit", minute: "2-digit" },
  moment: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
  long: { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
};
const DAY_MS = 86400000;

function parse(iso) {
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso);
  const text = iso.length === 10 ? `${iso}T00:00:00` : iso;
  return { when: new Date(zoned ? text : `${text}Z`), timeZone: zoned ? undefined : "UTC" };
}

function format(when, timeZone, options) {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(when);
}

// "today, 14:05", "yesterday, 09:12", "6 Dec" (this year) or "6 Dec 2025", in the reader's words for dates.
function since(when, timeZone) {
  const dayOf = (moment) => format(moment, timeZone, { year: "numeric", month: "2-digit", day: "2-digit" });
  const now = new Date();
  if (dayOf(when) === dayOf(now)) return `today, ${format(when, timeZone, STYLES.time)}`;
  if (dayOf(when) === dayOf(new Date(now - DAY_MS))) return `yesterday, ${format(when, timeZone, STYLES.time)}`;
  const sameYear = format(when, timeZone, { year: "numeric" }) === format(now, timeZone, { year: "numeric" });
  return format(when, timeZone, sameYear ? { day: "numeric", month: "short" } : STYLES.date);
}

export default {
  template: `<time :datetime="iso">{{ text }}</time>`,
  props: { iso: String, format: String, template: String, fallback: String },
  computed: {
    text() {
      try {
        const { when, timeZone } = parse(this.iso);
        const shown = this.format === "since" ? since(when, timeZone) : format(when, timeZone, STYLES[this.format]);
        return this.template.replace("{}", shown);
      } catch (error) {
        return this.fallback;
      }
    },
  },
};
