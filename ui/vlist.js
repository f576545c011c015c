// A virtualised listbox: only the rows in view (plus a margin) exist in the DOM, so 100,000 messages
// scroll as smoothly as 10. Keyboard: arrows, Page Up/Down, Home/End; selection follows focus.
import { h } from './dom.js';

const OVERSCAN = 8;

export class VirtualList {
  constructor(viewport, { rowHeight, renderRow, keyOf, onSelect, onNearEnd, rowClass }) {
    this.viewport = viewport;
    this.spacer = viewport.querySelector('.vlist-spacer');
    this.rowHeight = rowHeight;
    this.renderRow = renderRow;
    this.keyOf = keyOf;
    this.onSelect = onSelect;
    this.onNearEnd = onNearEnd;
    this.rowClass = rowClass;
    this.items = [];
    this.selectedKey = undefined;
    this.activeIndex = -1;
    this.frame = 0;
    viewport.addEventListener('scroll', () => this.schedule());
    viewport.addEventListener('keydown', (e) => this.key(e));
    viewport.addEventListener('click', (e) => {
      const row = e.target.closest('[data-index]');
      if (row) this.select(Number(row.dataset.index), { focus: true });
    });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  /** New items; the row at the top of the view stays put when rows are added above it. */
  setItems(items) {
    const { scrollTop } = this.viewport;
    let target;
    if (scrollTop > 0 && this.items.length > 0) {
      const index = Math.min(this.items.length - 1, Math.floor(scrollTop / this.rowHeight));
      const anchor = this.keyOf(this.items[index]);
      const moved = items.findIndex((it) => this.keyOf(it) === anchor);
      if (moved >= 0 && moved !== index) target = scrollTop + (moved - index) * this.rowHeight;
    }
    this.items = items;
    this.activeIndex = this.selectedKey === undefined ? -1 : items.findIndex((it) => this.keyOf(it) === this.selectedKey);
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    if (target !== undefined) this.viewport.scrollTop = target;
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  get atTop() {
    return this.viewport.scrollTop < this.rowHeight / 2;
  }

  scrollToTop() {
    this.viewport.scrollTop = 0;
  }

  render() {
    const { scrollTop, clientHeight } = this.viewport;
    const first = Math.max(0, Math.floor(scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.items.length, Math.ceil((scrollTop + clientHeight) / this.rowHeight) + OVERSCAN);
    const previous = this.elements ?? new Map();
    const next = new Map();
    const rows = [];
    for (let i = first; i < last; i++) {
      const item = this.items[i];
      const key = this.keyOf(item);
      const selected = key === this.selectedKey;
      // Rows whose content did not change are kept, so a click never lands on a node replaced mid-way.
      const signature = `${item.status}|${item.history?.length ?? 0}|${selected}|${i === this.activeIndex}`;
      let row = previous.get(key);
      if (!row || row.dataset.signature !== signature) {
        row = h(
          'div',
          {
            class: ['vrow', i === this.activeIndex ? 'active' : '', this.rowClass?.(item) ?? ''].filter(Boolean).join(' '),
            role: 'option',
            'data-key': key,
            'aria-selected': selected ? 'true' : 'false',
          },
          this.renderRow(item),
        );
        row.dataset.signature = signature;
      }
      row.id = `row-${i}`;
      row.dataset.index = String(i);
      row.setAttribute('aria-posinset', String(i + 1));
      row.setAttribute('aria-setsize', String(this.items.length));
      row.style.cssText = `transform: translateY(${i * this.rowHeight}px); height: ${this.rowHeight}px`;
      next.set(key, row);
      rows.push(row);
    }
    const same = rows.length === this.spacer.children.length && rows.every((row, i) => this.spacer.children[i] === row);
    if (!same) this.spacer.replaceChildren(...rows);
    this.elements = next;
    if (this.activeIndex >= first && this.activeIndex < last) this.viewport.setAttribute('aria-activedescendant', `row-${this.activeIndex}`);
    else this.viewport.removeAttribute('aria-activedescendant');
    if (this.onNearEnd && last >= this.items.length - OVERSCAN) this.onNearEnd();
  }

  select(index, { focus = false } = {}) {
    if (index < 0 || index >= this.items.length) return;
    this.activeIndex = index;
    this.selectedKey = this.keyOf(this.items[index]);
    this.reveal(index);
    this.render();
    if (focus) this.viewport.focus({ preventScroll: true });
    this.onSelect(this.items[index]);
  }

  clearSelection() {
    this.selectedKey = undefined;
    this.render();
  }

  reveal(index) {
    const top = index * this.rowHeight;
    const { scrollTop, clientHeight } = this.viewport;
    if (top < scrollTop) this.viewport.scrollTop = top;
    else if (top + this.rowHeight > scrollTop + clientHeight) this.viewport.scrollTop = top + this.rowHeight - clientHeight;
  }

  key(e) {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / this.rowHeight) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const from = this.activeIndex < 0 ? -1 : this.activeIndex;
    const to = Math.max(0, Math.min(this.items.length - 1, from + moves[e.key]));
    this.select(to);
  }
}
