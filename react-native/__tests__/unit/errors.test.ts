import { OpencomError } from '../../src/generated/opencom_ffi';
import { OpencomSdkError, toOpencomError } from '../../src/api';
import { attempt } from '../../src/errors';

describe('toOpencomError', () => {
  it('maps every generated OpencomError variant to its kind and fields', () => {
    expect(toOpencomError(new OpencomError.Network({ detail: 'reset' }))).toMatchObject({
      kind: 'Network',
      detail: 'reset',
      transient: true,
    });
    expect(toOpencomError(new OpencomError.Timeout())).toMatchObject({ kind: 'Timeout', transient: true });
    expect(toOpencomError(new OpencomError.RateLimited({ retryAfter: 2500 }))).toMatchObject({
      kind: 'RateLimited',
      retryAfterMs: 2500,
      transient: true,
    });
    expect(toOpencomError(new OpencomError.RateLimited({ retryAfter: undefined })).retryAfterMs).toBeUndefined();
    const invalid = toOpencomError(new OpencomError.InvalidInput({ field: 'customAttributes.$x', reason: 'reserved' }));
    expect(invalid).toMatchObject({ kind: 'InvalidInput', field: 'customAttributes.$x', reason: 'reserved', transient: false });
    expect(invalid.message).toBe('invalid input for `customAttributes.$x`: reserved');
    for (const [error, kind] of [
      [new OpencomError.SessionExpired(), 'SessionExpired'],
      [new OpencomError.NotAuthorized({ detail: 'origin' }), 'NotAuthorized'],
      [new OpencomError.NotFound({ detail: 'gone' }), 'NotFound'],
      [new OpencomError.Server({ detail: 'x' }), 'Server'],
      [new OpencomError.Decode({ detail: 'x' }), 'Decode'],
      [new OpencomError.Config({ detail: 'x' }), 'Config'],
      [new OpencomError.Storage({ detail: 'x' }), 'Storage'],
      [new OpencomError.Internal({ detail: 'x' }), 'Internal'],
    ] as const) {
      const mapped = toOpencomError(error);
      expect(mapped).toBeInstanceOf(OpencomSdkError);
      expect(mapped.kind).toBe(kind);
      expect(mapped.transient).toBe(false);
      expect(mapped.cause).toBe(error);
    }
  });

  it('maps anything else to Unknown, and keeps an OpencomSdkError as it is', () => {
    expect(toOpencomError(new TypeError('nope'))).toMatchObject({ kind: 'Unknown', detail: 'nope' });
    expect(toOpencomError('text')).toMatchObject({ kind: 'Unknown', detail: 'text' });
    expect(toOpencomError({ tag: 'NotAVariant' }).kind).toBe('Unknown');
    const same = new OpencomSdkError('Timeout');
    expect(toOpencomError(same)).toBe(same);
  });

  it('attempt never rejects', async () => {
    await expect(attempt(async () => 1)).resolves.toEqual({ ok: true, value: 1 });
    const failed = await attempt(async () => {
      throw new OpencomError.NotFound({ detail: 'x' });
    });
    expect(failed.ok === false && failed.error.kind).toBe('NotFound');
  });
});
