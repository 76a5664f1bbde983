import * as React from 'react';
import { attempt, OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { OpencomAttachment } from '../types';

/** Reads the bytes behind a React Native URI (`file://`, `content://`, `ph://`, …). */
export type UriReader = (uri: string) => Promise<ArrayBuffer | Uint8Array>;

/** A picked file: what `expo-document-picker` / `expo-image-picker` assets carry. */
export interface PickedFile {
  uri: string;
  /** The file name with its extension (required when the URI has none, as `content://` often). */
  name?: string;
  mimeType?: string;
}

/** Options of {@link useAttachmentUpload}. */
export interface AttachmentUploadOptions {
  /**
   * Reads a URI's bytes (default: `fetch(uri)`, which React Native serves for `file://` and
   * Android `content://` URIs). Pass e.g. `(uri) => new File(uri).bytes()` from
   * `expo-file-system` for sources fetch cannot read.
   */
  readUri?: UriReader;
}

function decodeBase64(base64: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = base64.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (const char of clean) {
    value = (value << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** The default reader: `fetch(uri)`, then the body's bytes (through a data URL where needed). */
export async function readUriWithFetch(uri: string): Promise<ArrayBuffer | Uint8Array> {
  const response = await fetch(uri);
  if (typeof response.arrayBuffer === 'function') {
    try {
      return await response.arrayBuffer();
    } catch {
      // Older React Native: its FileReader has no readAsArrayBuffer; read a data URL below.
    }
  }
  const blob = await response.blob();
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error(`cannot read ${uri}`));
    reader.readAsDataURL(blob);
  });
  return decodeBase64(dataUrl.slice(dataUrl.indexOf(',') + 1));
}

/** The file name of a picked file: its `name`, else the URI's last path segment. */
export function fileNameOf(file: PickedFile): string | null {
  if (file.name && file.name.trim() !== '') {
    return file.name.trim();
  }
  const last = file.uri.split(/[?#]/)[0]!.split('/').filter(Boolean).pop();
  if (!last) {
    return null;
  }
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // Keep it encoded.
  }
  return /\.[A-Za-z0-9]{1,10}$/.test(name) ? name : null;
}

/**
 * Uploads files picked in React Native (a `file://` or `content://` URI): the bytes are read
 * in JavaScript and handed to the SDK, which checks size and type and uploads them. Pass the
 * returned ids in `send(text, { attachmentIds })` or a ticket's `attachmentIds`.
 */
export function useAttachmentUpload(options: AttachmentUploadOptions = {}) {
  const { clients, bindings } = useOpencomContext();
  const readerRef = React.useRef<UriReader>(options.readUri ?? readUriWithFetch);
  readerRef.current = options.readUri ?? readUriWithFetch;
  const [state, setState] = React.useState<{ uploading: number; error: OpencomSdkError | null }>({
    uploading: 0,
    error: null,
  });

  const upload = React.useCallback(
    async (file: PickedFile): Promise<OpencomResult<OpencomAttachment>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      const fileName = fileNameOf(file);
      if (!fileName) {
        const error = new OpencomSdkError('InvalidInput', {
          field: 'name',
          reason: `no file name with an extension in ${file.uri}: pass \`name\``,
        });
        setState((s) => ({ ...s, error }));
        return { ok: false, error };
      }
      setState((s) => ({ uploading: s.uploading + 1, error: null }));
      const result = await attempt(async () => {
        let bytes: ArrayBuffer | Uint8Array;
        try {
          bytes = await readerRef.current(file.uri);
        } catch (thrown) {
          throw new OpencomSdkError('Storage', { detail: `cannot read ${file.uri}: ${String(thrown)}` });
        }
        const data =
          bytes instanceof Uint8Array
            ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
            : bytes;
        const uploaded = await clients.conversations.upload(
          new bindings.AttachmentSource.Bytes({ data }),
          fileName,
          file.mimeType,
        );
        return {
          id: uploaded.id,
          fileName: uploaded.fileName,
          mimeType: uploaded.mimeType,
          size: Number(uploaded.size),
        };
      });
      setState((s) => ({ uploading: s.uploading - 1, error: result.ok ? s.error : result.error }));
      return result;
    },
    [clients, bindings],
  );

  return React.useMemo(
    () => ({ upload, uploading: state.uploading > 0, error: state.error }),
    [upload, state.uploading, state.error],
  );
}
