/**
 * Starts the server-mock binary (the in-memory Opencom emulator of this repository) on an
 * ephemeral port for one test file, and drives its JSON control API (`/_mock/...`).
 *
 * Environment: SERVER_MOCK_BIN (default: <repo>/target/debug/server-mock).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = process.env.SERVER_MOCK_BIN ?? path.join(ROOT, 'target', 'debug', 'server-mock');
const START_DEADLINE_MS = 20_000;

export class ServerMock {
  private constructor(
    private readonly proc: ChildProcessByStdio<null, Readable, Readable>,
    readonly url: string,
    readonly workspaceId: string,
  ) {}

  /** Spawns `server-mock --port 0 --seed demo` and waits for its `OPENCOM_*` banner. */
  static start(...args: string[]): Promise<ServerMock> {
    const proc = spawn(BIN, ['--port', '0', '--seed', 'demo', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'warn' },
    });
    return new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      let buffer = '';
      let stderr = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`server-mock did not print its URL within ${START_DEADLINE_MS} ms`));
      }, START_DEADLINE_MS);
      proc.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      proc.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${BIN}: ${e.message}`));
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server-mock exited with ${code} before it was ready: ${stderr}`));
      });
      proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const eq = line.indexOf('=');
          if (line.startsWith('OPENCOM_') && eq > 0) {
            env[line.slice(0, eq)] = line.slice(eq + 1).trim();
          }
        }
        const url = env.OPENCOM_URL;
        const workspaceId = env.OPENCOM_WORKSPACE_ID;
        if (url && workspaceId) {
          clearTimeout(timer);
          proc.removeAllListeners('exit');
          proc.stdout.removeAllListeners('data');
          proc.stdout.resume();
          resolve(new ServerMock(proc, url, workspaceId));
        }
      });
    });
  }

  /** Calls the control API and returns the decoded JSON answer (throws on a non-2xx status). */
  async control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), START_DEADLINE_MS);
    const response = await fetch(this.url + route, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    }).finally(() => clearTimeout(timer));
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${route} → ${response.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An agent reply in a conversation (`unreadByVisitor += 1`); returns the message id. */
  async agentReply(conversationId: string, text: string): Promise<string> {
    const answer = await this.control<{ messageId: string }>(
      'POST',
      `/_mock/conversations/${encodeURIComponent(conversationId)}/agent-reply`,
      { text },
    );
    return answer.messageId;
  }

  /** A published help-center article; returns its id. */
  async addArticle(title: string, content: string, collectionId?: string): Promise<string> {
    const answer = await this.control<{ articleId: string }>(
      'POST',
      `/_mock/workspaces/${encodeURIComponent(this.workspaceId)}/articles`,
      { title, content, status: 'published', ...(collectionId ? { collectionId } : {}) },
    );
    return answer.articleId;
  }

  /** A help-center collection; returns its id. */
  async addCollection(name: string): Promise<string> {
    const answer = await this.control<{ collectionId: string }>(
      'POST',
      `/_mock/workspaces/${encodeURIComponent(this.workspaceId)}/collections`,
      { name },
    );
    return answer.collectionId;
  }

  /** Stops the process (SIGTERM, then SIGKILL after the deadline). */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), START_DEADLINE_MS);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.kill('SIGTERM');
    });
  }
}
