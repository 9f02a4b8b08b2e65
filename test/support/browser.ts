// Headless Chromium driven over the DevTools protocol (a websocket, with `ws`): enough of a
// browser for the GraphiQL test without a browser-automation package. Chromium runs in its own
// process group with a throwaway profile, and cannot resolve any host but the loopback one, as
// on a machine with no internet; every request the page and its workers make is recorded.
//
// CHROMIUM_PATH overrides /usr/bin/chromium (`apt-get install -y chromium`; .ci/run does it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RecordedRequest {
  url: string;
  /** HTTP status once answered; undefined while pending or when it failed. */
  status?: number;
  failed?: string;
}

type Listener = (params: any, sessionId?: string) => void;

class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void; method: string }>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
        else waiter?.resolve(message.result);
        return;
      }
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params, message.sessionId);
    });
    socket.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${waiter.method}: browser connection closed`));
      this.pending.clear();
    });
  }

  send<T = any>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(method: string, listener: Listener): void {
    if (!this.listeners.has(method)) this.listeners.set(method, new Set());
    this.listeners.get(method)!.add(listener);
  }
}

export interface Page {
  /** Every request of the page and of its workers, in order. */
  readonly requests: RecordedRequest[];
  /** Messages the page logged as errors, and uncaught exceptions. */
  readonly consoleErrors: string[];
  goto(url: string): Promise<void>;
  /** Evaluates an expression (awaiting a promise) in the page and returns its JSON value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy; returns its value. */
  waitFor<T = unknown>(expression: string, what: string, timeoutMs?: number): Promise<T>;
  /** Clicks the centre of the first element matching the selector, like a mouse would. */
  click(selector: string): Promise<void>;
  /** Types text into the focused element, as an input method would (no auto-closed brackets). */
  insertText(text: string): Promise<void>;
  /** Presses a key with modifiers (CDP bit field: 2 = Ctrl) and editing commands (e.g. selectAll). */
  press(key: string, code: string, keyCode: number, options?: { modifiers?: number; commands?: string[] }): Promise<void>;
  screenshot(): Promise<Buffer>;
}

export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'cg-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
      '--no-first-run',
      '--no-default-browser-check',
      '--mute-audio',
      '--window-size=1400,900',
      // No internet: every name but the loopback one fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
    }
    await rm(profile, { recursive: true, force: true });
  };

  let endpoint: string;
  try {
    endpoint = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const onData = (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (match) {
          child.stderr!.off('data', onData);
          child.stderr!.resume(); // keep draining
          resolve(match[1]!);
        }
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before listening:\n${stderr.slice(-2000)}`)));
      child.once('error', reject);
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const socket = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const cdp = new Cdp(socket);

  return {
    async newPage() {
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      const requests: RecordedRequest[] = [];
      const consoleErrors: string[] = [];
      const byId = new Map<string, RecordedRequest>();
      const sessions = new Set([sessionId]);
      // A worker's script is requested by the page and answered on the worker's session: the
      // request id is the same on both.
      const key = (_session: string | undefined, id: string) => id;

      cdp.on('Network.requestWillBeSent', (p, s) => {
        if (!sessions.has(s!)) return;
        const request: RecordedRequest = { url: p.request.url };
        requests.push(request);
        byId.set(key(s, p.requestId), request);
      });
      cdp.on('Network.responseReceived', (p, s) => {
        if (!sessions.has(s!)) return;
        const request = byId.get(key(s, p.requestId));
        if (request) request.status = p.response.status;
      });
      cdp.on('Network.loadingFailed', (p, s) => {
        if (!sessions.has(s!)) return;
        const request = byId.get(key(s, p.requestId));
        if (request) request.failed = p.errorText;
      });
      cdp.on('Runtime.exceptionThrown', (p, s) => {
        if (sessions.has(s!)) consoleErrors.push(p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text);
      });
      cdp.on('Runtime.consoleAPICalled', (p, s) => {
        if (sessions.has(s!) && p.type === 'error') consoleErrors.push(p.args.map((a: any) => a.value ?? a.description).join(' '));
      });
      // Workers (Monaco's) get their own sessions: record their requests too.
      cdp.on('Target.attachedToTarget', (p, s) => {
        if (!sessions.has(s!)) return;
        sessions.add(p.sessionId);
        void cdp.send('Network.enable', {}, p.sessionId).catch(() => {});
        void cdp.send('Runtime.runIfWaitingForDebugger', {}, p.sessionId).catch(() => {});
      });

      await cdp.send('Network.enable', {}, sessionId);
      await cdp.send('Runtime.enable', {}, sessionId);
      await cdp.send('Page.enable', {}, sessionId);
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId);

      const evaluate = async <T>(expression: string): Promise<T> => {
        const result = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
        if (result.exceptionDetails) throw new Error(`in page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
        return result.result.value as T;
      };

      return {
        requests,
        consoleErrors,
        async goto(url) {
          const loaded = new Promise<void>((resolve) => {
            const onLoad = (_: unknown, s?: string) => s === sessionId && resolve();
            cdp.on('Page.loadEventFired', onLoad);
          });
          const { errorText } = await cdp.send('Page.navigate', { url }, sessionId);
          if (errorText) throw new Error(`navigating to ${url}: ${errorText}`);
          await loaded;
        },
        evaluate,
        async waitFor<T>(expression: string, what: string, timeoutMs = 45_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const value = await evaluate<T>(expression);
            if (value) return value;
            if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
        async click(selector) {
          const box = await evaluate<{ x: number; y: number } | null>(`(() => {
            const el = document.querySelector(${JSON.stringify(selector)});
            if (!el) return null;
            el.scrollIntoView({ block: 'center' });
            const r = el.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
          })()`);
          if (!box) throw new Error(`no element matches ${selector}`);
          for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
            await cdp.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', buttons: type === 'mousePressed' ? 1 : 0, clickCount: 1 }, sessionId);
          }
        },
        async insertText(text) {
          await cdp.send('Input.insertText', { text }, sessionId);
        },
        async press(key, code, keyCode, { modifiers = 0, commands = [] } = {}) {
          await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key, code, windowsVirtualKeyCode: keyCode, modifiers, commands }, sessionId);
          await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode, modifiers }, sessionId);
        },
        async screenshot() {
          const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' }, sessionId);
          return Buffer.from(data, 'base64');
        },
      };
    },
    async close() {
      socket.close();
      await stop();
    },
  };
}
