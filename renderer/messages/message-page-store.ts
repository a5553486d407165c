/**
 * The message list's window onto a mailbox: pages of rows fetched on demand and cached, with
 * placeholders (null rows) re-requested until the service has synced them. After a change the
 * previous rows stay on screen (stale) until their fresh page arrives, so live updates do not
 * flash the list empty. Plain TypeScript so it is testable without React.
 */
import type { MessagePage, MessageRow } from '../../shared/domain.js';
import type { AppError, Result } from '../../shared/result.js';

export type PageFetcher = (offset: number, limit: number) => Promise<Result<MessagePage>>;
type Rows = (MessageRow | null)[];

export const PAGE_SIZE = 100;

export class MessagePageStore {
  private pages = new Map<number, Rows>();
  private stale = new Map<number, Rows>();
  private readonly inFlight = new Set<number>();
  /** Pages whose last fetch failed: not retried automatically until the view moves or refreshes. */
  private readonly failed = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private version = 0;
  total: number | null = null;
  complete = false;
  error: AppError | null = null;

  constructor(
    private readonly fetchPage: PageFetcher,
    readonly pageSize = PAGE_SIZE,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getVersion = (): number => this.version;

  /** undefined: not fetched yet; null: the service does not know this row yet. */
  rowAt(index: number): MessageRow | null | undefined {
    if (this.total !== null && index >= this.total) return undefined;
    const page = Math.floor(index / this.pageSize);
    const rows = this.pages.get(page) ?? this.stale.get(page);
    return rows?.[index - page * this.pageSize];
  }

  ensure(start: number, end: number): void {
    for (const page of this.pagesOf(start, end)) {
      if (!this.pages.has(page) && !this.failed.has(page)) this.load(page);
    }
  }

  clearFailures(): void {
    this.failed.clear();
  }

  hasPlaceholders(start: number, end: number): boolean {
    if (this.total === null) return false;
    const last = Math.min(end, this.total - 1);
    for (let i = start; i <= last; i++) if (this.rowAt(i) === null) return true;
    return false;
  }

  refreshPlaceholders(start: number, end: number): void {
    for (const page of this.pagesOf(start, end)) {
      if (this.pages.get(page)?.some((row) => row === null)) this.load(page);
    }
  }

  /** The mailbox changed on the server: everything cached is out of date. */
  invalidate(total?: number): void {
    this.generation++;
    this.stale = new Map([...this.stale, ...this.pages]);
    this.pages = new Map();
    this.inFlight.clear();
    this.failed.clear();
    if (total !== undefined) this.total = total;
    this.notify();
  }

  private pagesOf(start: number, end: number): number[] {
    const from = Math.floor(Math.max(0, start) / this.pageSize);
    const lastIndex = this.total === null ? Math.max(start, end) : Math.min(Math.max(start, end), Math.max(0, this.total - 1));
    const to = Math.floor(Math.max(0, lastIndex) / this.pageSize);
    const pages: number[] = [];
    for (let p = from; p <= to; p++) pages.push(p);
    return pages;
  }

  private load(page: number): void {
    if (this.inFlight.has(page)) return;
    this.inFlight.add(page);
    const generation = this.generation;
    void this.fetchPage(page * this.pageSize, this.pageSize).then((result) => {
      if (generation !== this.generation) return;
      this.inFlight.delete(page);
      if (!result.ok) {
        this.failed.add(page);
        this.error = result.error;
        this.notify();
        return;
      }
      this.error = null;
      const { total, rows, complete } = result.value;
      if (this.total !== null && total !== this.total) {
        // Rows shifted: other cached pages no longer line up with their indexes.
        this.stale = new Map([...this.stale, ...this.pages]);
        this.pages = new Map();
      }
      this.total = total;
      this.complete = complete;
      this.pages.set(page, rows);
      this.stale.delete(page);
      this.notify();
    });
  }

  private notify(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }
}
