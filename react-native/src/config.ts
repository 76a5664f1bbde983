/**
 * The provider's configuration, and how it becomes a client of the Rust SDK.
 */
import type * as Ffi from './generated/opencom_ffi';
import type { OpencomBindings } from './bindings';
import { toFfiStorage, type OpencomStorage } from './storage';

/** What `<OpencomProvider config={…}>` takes. Only `deploymentUrl` and `workspaceId` are required. */
export interface OpencomConfig {
  /** `https://<name>.convex.cloud`, or a self-hosted backend (plain http only on localhost). */
  deploymentUrl: string;
  /** The Opencom workspace id. */
  workspaceId: string;
  /** The origin sent on boot/identify (needed when the workspace has an origin allowlist). */
  origin?: string;
  /** Where the session, caches and outbox live (see `fromAsyncStorage`/`fromSecureStore`). */
  storage?: OpencomStorage;
  /** Live data over a WebSocket (default) or HTTP polling only. */
  realtime?: 'websocket' | 'polling';
  /** Polling interval of the HTTP fallback, ms (SDK default 3000). */
  pollIntervalMs?: number;
  /** Presence heartbeat interval, ms; `null` disables it (SDK default 30000). */
  heartbeatIntervalMs?: number | null;
  /** Per-request timeout, ms (SDK default 15000). */
  requestTimeoutMs?: number;
  /** Total tries per call, the first included (SDK default 4). */
  maxAttempts?: number;
  /** Ask the workspace's AI agent for a reply after each message (SDK default true). */
  aiReplies?: boolean;
  /** Sent at boot: `platform` `ios`/`android` marks the client as a mobile SDK. */
  device?: { os?: string; platform?: string; deviceType?: string; browser?: string };
  /** Sent at boot: your bundle id in `clientIdentifier`. */
  clientInfo?: { clientType?: string; clientVersion?: string; clientIdentifier?: string };
  /**
   * Extra root certificates (PEM text), trusted besides the bundled web roots for HTTPS and
   * the WebSocket: a self-hosted backend behind a private CA. A bad PEM fails the start with
   * `Config`.
   */
  rootCertificatesPem?: string[];
  /**
   * The app's own deep-link prefixes, besides `opencom://` and `https://opencom.app/`: schemes
   * (`myapp://`, `myapp://support`) and https prefixes (`https://example.com/help`), as in
   * React Navigation's `linking.prefixes`. `usePush().routeForLink` reads links under them.
   */
  deepLinkPrefixes?: string[];
  /**
   * Pause the client when the app goes to the background (heartbeat and live connection stop,
   * `session_end` is sent) and resume it when the app is active again (default true).
   */
  pauseInBackground?: boolean;
}

/** Builds (does not start) a client: no network call. Throws `OpencomError.Config`. */
export async function buildClient(
  bindings: OpencomBindings,
  config: OpencomConfig,
): Promise<Ffi.OpencomClientLike> {
  let builder = new bindings.ClientBuilder(config.deploymentUrl, config.workspaceId);
  if (config.origin !== undefined) {
    builder = builder.origin(config.origin);
  }
  if (config.storage !== undefined) {
    builder = builder.storage(toFfiStorage(config.storage));
  }
  if (config.realtime !== undefined) {
    builder = builder.realtime(
      config.realtime === 'polling' ? bindings.RealtimeMode.Polling : bindings.RealtimeMode.WebSocket,
    );
  }
  if (config.pollIntervalMs !== undefined) {
    builder = builder.pollInterval(config.pollIntervalMs);
  }
  if (config.heartbeatIntervalMs !== undefined) {
    builder = builder.heartbeatInterval(config.heartbeatIntervalMs ?? undefined);
  }
  if (config.requestTimeoutMs !== undefined) {
    builder = builder.requestTimeout(config.requestTimeoutMs);
  }
  if (config.maxAttempts !== undefined) {
    builder = builder.retryPolicy({
      maxAttempts: config.maxAttempts,
      minDelay: undefined,
      maxDelay: undefined,
      maxTotalDelay: undefined,
      maxRetryAfter: undefined,
      jitter: undefined,
    });
  }
  if (config.aiReplies !== undefined) {
    builder = builder.aiReplies(config.aiReplies);
  }
  if (config.device !== undefined) {
    builder = builder.device({
      os: config.device.os,
      platform: config.device.platform,
      deviceType: config.device.deviceType,
      browser: config.device.browser,
    });
  }
  if (config.clientInfo !== undefined) {
    builder = builder.clientInfo({
      clientType: config.clientInfo.clientType,
      clientVersion: config.clientInfo.clientVersion,
      clientIdentifier: config.clientInfo.clientIdentifier,
    });
  }
  for (const pem of config.rootCertificatesPem ?? []) {
    builder = builder.addRootCertificatePem(pem);
  }
  return builder.build();
}

/** The settings that identify a client: changing any of them makes the provider rebuild it. */
export function configKey(config: OpencomConfig): string {
  // Read by the provider, not the client: changing them does not rebuild it.
  const { storage: _storage, deepLinkPrefixes: _prefixes, pauseInBackground: _pause, ...rest } = config;
  return JSON.stringify(rest);
}
