/**
 * A small stand-in for the parts of Electron the app uses, aliased to `electron` in vitest (the
 * Electron binary cannot be downloaded here). It records what the code under test does —
 * constructor options, registered handlers, sent messages — so tests can drive the real
 * handlers with hostile input. Call resetElectronStub() in beforeEach.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

type AnyFn = (...args: never[]) => unknown;

/** Electron's event object: listeners call preventDefault(); tests read defaultPrevented. */
export class FakeEvent<T extends object = object> {
  defaultPrevented = false;
  constructor(props?: T) {
    Object.assign(this, props);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export function fakeEvent<T extends object>(props: T): FakeEvent<T> & T {
  return new FakeEvent(props) as FakeEvent<T> & T;
}

let nextRoutingId = 1;
let nextContentsId = 1;

export class FakeWebFrameMain {
  readonly routingId = nextRoutingId++;
  readonly frameTreeNodeId = this.routingId;
  readonly frameToken = `frame-${this.routingId}`;
  processId = 1;
  url: string;
  origin: string;
  parent: FakeWebFrameMain | null;

  constructor(props: { url?: string; origin?: string; parent?: FakeWebFrameMain | null; processId?: number } = {}) {
    this.url = props.url ?? '';
    this.origin = props.origin ?? originOf(this.url);
    this.parent = props.parent ?? null;
    if (props.processId !== undefined) this.processId = props.processId;
  }
}

/** Chromium's serialized origin for the URLs tests use (standard schemes, app:// included). */
export function originOf(raw: string): string {
  try {
    const url = new URL(raw);
    if (['http:', 'https:', 'app:', 'ws:', 'wss:'].includes(url.protocol)) return `${url.protocol}//${url.host}`;
  } catch {
    // fall through
  }
  return 'null';
}

type WebRequestListener = (details: Record<string, unknown> & { url: string }, callback: (response: Record<string, unknown>) => void) => void;

export class FakeWebRequest {
  beforeRequest: WebRequestListener | null = null;
  headersReceived: WebRequestListener | null = null;

  onBeforeRequest(filterOrListener: unknown, maybeListener?: WebRequestListener): void {
    this.beforeRequest = (maybeListener ?? filterOrListener) as WebRequestListener;
  }

  onHeadersReceived(filterOrListener: unknown, maybeListener?: WebRequestListener): void {
    this.headersReceived = (maybeListener ?? filterOrListener) as WebRequestListener;
  }

  /** Runs the registered onBeforeRequest listener and returns its response. */
  run(kind: 'beforeRequest' | 'headersReceived', details: Record<string, unknown> & { url: string }): Record<string, unknown> {
    const listener = this[kind];
    if (!listener) throw new Error(`no ${kind} listener registered`);
    let response: Record<string, unknown> | undefined;
    listener(details, (r) => {
      response = r;
    });
    if (!response) throw new Error(`${kind} listener did not call back synchronously`);
    return response;
  }
}

export class FakeDownloadItem {
  saveDialogOptions: Record<string, unknown> | null = null;
  savePath: string | null = null;
  constructor(
    private readonly url: string,
    private readonly filename: string,
  ) {}
  getURL(): string {
    return this.url;
  }
  getFilename(): string {
    return this.filename;
  }
  setSaveDialogOptions(options: Record<string, unknown>): void {
    this.saveDialogOptions = options;
  }
  setSavePath(path: string): void {
    this.savePath = path;
  }
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler: AnyFn | null = null;
  permissionCheckHandler: AnyFn | null = null;
  devicePermissionHandler: AnyFn | null = null;
  readonly webRequest = new FakeWebRequest();

  setPermissionRequestHandler(handler: AnyFn | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: AnyFn | null): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: AnyFn | null): void {
    this.devicePermissionHandler = handler;
  }
}

export type WindowOpenHandler = (details: { url: string; frameName?: string; features?: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  session: FakeSession;
  mainFrame: FakeWebFrameMain;
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly sent: unknown[][] = [];
  readonly loadedUrls: string[] = [];
  private destroyed = false;

  constructor(options: { session?: FakeSession; url?: string } = {}) {
    super();
    this.session = options.session ?? session.defaultSession;
    this.mainFrame = new FakeWebFrameMain({ url: options.url ?? '' });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.mainFrame.url = url;
    this.mainFrame.origin = originOf(url);
    return Promise.resolve();
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  private destroyed = false;

  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> } = {}) {
    super();
    BrowserWindow.instances.push(this);
    // As in Electron: every new web contents is announced app-wide.
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    // Same rule as Electron: one handler per channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Test helper: what ipcRenderer.invoke would trigger, with a given sender event. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

class FakeIpcRenderer extends EventEmitter {
  readonly invocations: unknown[][] = [];
  invokeResult: unknown = { ok: true, value: {} };

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push([channel, ...args]);
    return Promise.resolve(this.invokeResult);
  }

  /** Test helper: a message from main, delivered as Electron does (event object first). */
  deliver(channel: string, ...args: unknown[]): void {
    const event = { sender: this, senderId: 0, ports: [] };
    this.emit(channel, event, ...args);
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    this.exposed.set(key, api);
  }
}

class FakeProtocol {
  privilegedSchemes: unknown[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.privilegedSchemes.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
}

class FakeShell {
  readonly opened: string[] = [];
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  }
}

class FakeDialog {
  readonly errorBoxes: [string, string][] = [];
  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push([title, content]);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  sandboxEnabled = false;
  singleInstanceLock = true;
  quitCalls = 0;
  paths: Record<string, string> = { userData: '/tmp/sinetti-stub/userData', downloads: '/tmp/sinetti-stub/Downloads' };
  appPath = '/tmp/sinetti-stub/app';
  private readyResolve: (() => void) | null = null;
  private readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));

  getVersion(): string {
    return '0.0.0-stub';
  }
  getName(): string {
    return 'Sinetti';
  }
  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`stub app.getPath: unknown path ${name}`);
    return path;
  }
  setPath(name: string, path: string): void {
    this.paths[name] = path;
  }
  getAppPath(): string {
    return this.appPath;
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  setAppUserModelId(_id: string): void {}
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Test helper: fire 'ready'. */
  becomeReady(): void {
    this.readyResolve?.();
    this.emit('ready');
  }
  quit(): void {
    this.quitCalls += 1;
  }
  exit(_code?: number): void {}
  resetReady(): void {
    this.readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));
  }
}

/**
 * utilityProcess.fork: the services bundle (dist/electron/services-process.cjs) is stood in for by
 * its TypeScript entry, forked with child_process (the relay's messages are the same).
 */
class FakeUtilityProcess extends EventEmitter {
  constructor(readonly child: ChildProcess) {
    super();
    child.on('message', (message) => this.emit('message', message));
    child.once('exit', (code) => this.emit('exit', code ?? 1));
  }
  postMessage(message: unknown): void {
    this.child.send(message as never);
  }
  kill(): boolean {
    return this.child.kill();
  }
}

class FakeUtilityProcessModule {
  readonly forks: { modulePath: string; options: Record<string, unknown>; process: FakeUtilityProcess }[] = [];
  fork(modulePath: string, _args: string[] = [], options: Record<string, unknown> = {}): FakeUtilityProcess {
    const entry = modulePath.endsWith('services-process.cjs') ? fileURLToPath(new URL('../../main/service-process/entry.ts', import.meta.url)) : modulePath;
    const child = fork(entry, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const process = new FakeUtilityProcess(child);
    this.forks.push({ modulePath, options, process });
    return process;
  }
}

export const app = new FakeApp();
export const utilityProcess = new FakeUtilityProcessModule();
/** powerMonitor: tests emit 'lock-screen' / 'suspend'. */
export const powerMonitor = new EventEmitter();
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer();
export const contextBridge = new FakeContextBridge();
export const protocol = new FakeProtocol();
export const shell = new FakeShell();
export const dialog = new FakeDialog();
export const session = { defaultSession: new FakeSession() };

/** Puts every recorded call and registration back to a fresh state. */
export function resetElectronStub(): void {
  app.removeAllListeners();
  app.isPackaged = false;
  app.sandboxEnabled = false;
  app.singleInstanceLock = true;
  app.quitCalls = 0;
  app.resetReady();
  ipcMain.removeAllListeners();
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invocations.length = 0;
  ipcRenderer.invokeResult = { ok: true, value: {} };
  contextBridge.exposed.clear();
  protocol.privilegedSchemes = [];
  protocol.handlers.clear();
  shell.opened.length = 0;
  dialog.errorBoxes.length = 0;
  session.defaultSession = new FakeSession();
  BrowserWindow.instances = [];
  for (const started of utilityProcess.forks.splice(0)) started.process.kill();
  powerMonitor.removeAllListeners();
}

// electron-store and other CommonJS-minded code use `import electron from 'electron'`.
export default { app, ipcMain, ipcRenderer, contextBridge, protocol, shell, dialog, session, BrowserWindow, utilityProcess, powerMonitor };
