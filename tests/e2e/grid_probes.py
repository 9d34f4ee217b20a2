"""What the browser tests and the grid benchmark read from a page with the timeline grid (JavaScript to evaluate)."""

GRID = '[data-testid=timeline-grid]'
THUMBS_VISIBLE = """() => {
  const grid = document.querySelector('[data-testid=timeline-grid]');
  const box = grid && grid.getBoundingClientRect();
  return grid && [...grid.querySelectorAll('img')].some((img) => {
    const r = img.getBoundingClientRect();
    return img.complete && img.naturalWidth > 0 && r.bottom > box.top && r.top < box.bottom;
  });
}"""
# Photos at least half on the screen, as a person counts them.
PHOTOS_ON_SCREEN = """() => {
  const box = document.querySelector('[data-testid=timeline-grid]').getBoundingClientRect();
  return [...document.querySelectorAll('[data-testid=timeline-grid] .htg-cell')].filter((cell) => {
    const r = cell.getBoundingClientRect();
    const seen = Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top);
    return seen >= r.height / 2 && r.left >= box.left && r.right <= box.right;
  }).length;
}"""
GRID_NODES = f"() => document.querySelectorAll('{GRID} *').length"
# Frame gaps while the grid scrolls 400 px per frame.
SCROLL_FRAMES = """async () => {
  const el = document.querySelector('[data-testid=timeline-grid] .htg-scroller');
  const gaps = [];
  let last = performance.now();
  for (let i = 0; i < 150; i++) {
    el.scrollTop += 400;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }
  gaps.sort((a, b) => a - b);
  return {median: gaps[75], p95: gaps[142], max: gaps[149]};
}"""
