/**
 * What React component tests need from jsdom beyond the DOM: act() mode, and stand-ins for the
 * layout APIs jsdom lacks (ResizeObserver, scrollTo), so Fluent UI and the virtualizer render.
 */
export function prepareJsdomForReact(layout?: { clientHeight: number; clientWidth: number }): void {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  if (layout) {
    // jsdom has no layout: give scroll containers a size so the virtualizer renders rows.
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => layout.clientHeight });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => layout.clientWidth });
  }
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  HTMLElement.prototype.scrollTo ??= function scrollTo() {};
}
