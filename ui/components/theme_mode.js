// Light, dark or the system's choice, remembered by this browser (not the account: a shared tablet and a phone differ).
const KEY = "hearth-theme";

function stored() {
  try {
    return localStorage.getItem(KEY) || "auto";
  } catch (error) {
    return "auto";
  }
}

export default {
  template: `<span hidden></span>`,
  mounted() {
    this.apply(stored());
  },
  methods: {
    apply(mode) {
      setDark(mode === "dark" ? true : mode === "light" ? false : null);
      this.$emit("mode", mode);
    },
    choose(mode) {
      try {
        localStorage.setItem(KEY, mode);
      } catch (error) {
        // private windows may refuse storage: the choice then lasts for this page only
      }
      this.apply(mode);
    },
  },
};
