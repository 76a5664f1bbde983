/**
 * Errors as the hooks report them: one {@link OpencomSdkError} type whose `kind` is the Rust
 * SDK's error variant (`OpencomError` in the generated API), so screens can switch on it.
 */

/**
 * The Rust SDK's error variants, plus `NotStarted` (an action was called before the provider's
 * session started) and `Unknown` (anything else that was thrown).
 */
export type OpencomErrorKind =
  | 'Network'
  | 'Timeout'
  | 'SessionExpired'
  | 'NotAuthorized'
  | 'InvalidInput'
  | 'RateLimited'
  | 'NotFound'
  | 'Server'
  | 'Decode'
  | 'Config'
  | 'Storage'
  | 'Internal'
  | 'NotStarted'
  | 'Unknown';

const KINDS: ReadonlySet<string> = new Set<OpencomErrorKind>([
  'Network',
  'Timeout',
  'SessionExpired',
  'NotAuthorized',
  'InvalidInput',
  'RateLimited',
  'NotFound',
  'Server',
  'Decode',
  'Config',
  'Storage',
  'Internal',
]);

const TRANSIENT: ReadonlySet<OpencomErrorKind> = new Set<OpencomErrorKind>([
  'Network',
  'Timeout',
  'RateLimited',
]);

/** What a hook's `error` holds. */
export class OpencomSdkError extends Error {
  override readonly name = 'OpencomSdkError';
  /** The variant: what the app can do about it. */
  readonly kind: OpencomErrorKind;
  /** The server's or SDK's explanation, when the variant carries one. */
  readonly detail?: string;
  /** `InvalidInput`: the offending argument or key, e.g. `customAttributes.$plan`. */
  readonly field?: string;
  /** `InvalidInput`: why it was refused. */
  readonly reason?: string;
  /** `RateLimited`: how long the server asked to wait, in milliseconds, if it said. */
  readonly retryAfterMs?: number;
  /** Whether retrying the same call later may succeed (network, timeout, rate limit). */
  readonly transient: boolean;
  /** What was thrown, as thrown. */
  override readonly cause: unknown;

  constructor(
    kind: OpencomErrorKind,
    fields: { detail?: string; field?: string; reason?: string; retryAfterMs?: number } = {},
    cause?: unknown,
  ) {
    super(describe(kind, fields));
    this.kind = kind;
    this.detail = fields.detail;
    this.field = fields.field;
    this.reason = fields.reason;
    this.retryAfterMs = fields.retryAfterMs;
    this.transient = TRANSIENT.has(kind);
    this.cause = cause;
  }
}

function describe(
  kind: OpencomErrorKind,
  f: { detail?: string; field?: string; reason?: string; retryAfterMs?: number },
): string {
  switch (kind) {
    case 'InvalidInput':
      return `invalid input for \`${f.field ?? '?'}\`: ${f.reason ?? ''}`;
    case 'Timeout':
      return 'the request timed out';
    case 'SessionExpired':
      return 'the visitor session expired or was revoked';
    case 'RateLimited':
      return f.retryAfterMs === undefined ? 'rate limited' : `rate limited (retry after ${f.retryAfterMs} ms)`;
    default:
      return f.detail === undefined ? kind : `${kind}: ${f.detail}`;
  }
}

type Inner = { detail?: unknown; field?: unknown; reason?: unknown; retryAfter?: unknown };

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Converts anything thrown by the SDK into an {@link OpencomSdkError}. The generated
 * `OpencomError` variants (from the JSI or the N-API binding, or the fake) are recognised by
 * their `tag`; any other value becomes `Unknown`.
 */
export function toOpencomError(thrown: unknown): OpencomSdkError {
  if (thrown instanceof OpencomSdkError) {
    return thrown;
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const tag = (thrown as { tag?: unknown }).tag;
    if (typeof tag === 'string' && KINDS.has(tag)) {
      const inner = ((thrown as { inner?: unknown }).inner ?? {}) as Inner;
      const retryAfter = inner.retryAfter;
      return new OpencomSdkError(
        tag as OpencomErrorKind,
        {
          detail: text(inner.detail),
          field: text(inner.field),
          reason: text(inner.reason),
          retryAfterMs: typeof retryAfter === 'number' ? retryAfter : undefined,
        },
        thrown,
      );
    }
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new OpencomSdkError('Unknown', { detail: message }, thrown);
}

/** What the hooks' actions resolve to: they never reject. */
export type OpencomResult<T> = { ok: true; value: T } | { ok: false; error: OpencomSdkError };

/** Runs `work`, turning a thrown error into `{ ok: false, error }`. */
export async function attempt<T>(work: () => Promise<T>): Promise<OpencomResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (thrown) {
    return { ok: false, error: toOpencomError(thrown) };
  }
}
