import { useCallback, useEffect, useRef, useState } from 'react';
import { authFetch } from '../lib/auth-api.ts';
import { apiUrl } from '../lib/app-config.ts';
import { ApiError, isAbortError, readJson } from '../lib/api-error.ts';
import { describeProblem, problemTexts } from '../lib/problem-text.ts';

/** What the backend says about an uploaded reference image. */
export interface ImageValidationResult {
  valid: boolean;
  filename: string;
  content_type: string;
  size_bytes: number;
  issues: string[];
}

/** Where one validation stands. */
export type ImageValidationState =
  | { status: 'idle' }
  | { status: 'checking'; filename: string }
  | { status: 'checked'; result: ImageValidationResult }
  | { status: 'failed'; message: string };

/** The backend refuses an upload past this by its size alone (413): such a file is not read into the tab's memory. */
const largestUploadBytes = 20 * 1024 * 1024;

/** The backend's limit for an image, and its words for one over it: a 413 is one past that, not a 20 MB limit to aim for. */
const largestImageBytes = 5 * 1024 * 1024;
const tooLargeText = 'The file is larger than 5 MB.';
/** A 413 for a smaller file: a proxy on the way has a limit of its own (nginx's is 1 MB). */
const tooLargeForServerText = 'The file is too large for the server to take. Pick a smaller one.';

/** A picked file the browser would not read (saved again, moved or deleted since the pick: NotReadableError, NotFoundError). */
class UnreadableFileError extends Error {}

/** What to do about a file the browser would not read: a new pick reads it as it is now. */
const unreadableText = (name: string) => `${name} could not be read: it may have changed since it was picked. Pick it again.`;

/** The bytes of `file` as picked, or an UnreadableFileError. */
async function readPicked(file: File): Promise<File> {
  try {
    return new File([await file.arrayBuffer()], file.name, { type: file.type, lastModified: file.lastModified });
  } catch (cause) {
    throw new UnreadableFileError(`Reading ${file.name} failed.`, { cause });
  }
}

/** The upload as multipart FormData: a body authFetch can replay byte for byte after a reconnect. */
async function postImage(file: File, signal: AbortSignal): Promise<ImageValidationResult> {
  // The bytes as picked: a held upload reads a file from disk when sent, and Chromium refuses one saved again since (a network error).
  const picked = file.size > largestUploadBytes ? file : await readPicked(file);
  const form = new FormData();
  form.append('file', picked, picked.name);
  const response = await authFetch(apiUrl('/api/images/validate'), { method: 'POST', body: form, signal });
  return readJson<ImageValidationResult>(response, 'Checking the image');
}

/**
 * Validates a reference image on the backend. A newer file or unmounting
 * aborts the check in flight; an expired session only delays it.
 *
 * @example
 * const { state, validate } = useImageValidation();
 * <input type="file" onChange={(e) => e.target.files?.[0] && validate(e.target.files[0])} />
 */
export function useImageValidation(): { state: ImageValidationState; validate: (file: File) => void } {
  const [state, setState] = useState<ImageValidationState>({ status: 'idle' });
  const current = useRef<AbortController | null>(null);

  useEffect(() => () => current.current?.abort(), []);

  const validate = useCallback((file: File) => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setState({ status: 'checking', filename: file.name });
    postImage(file, controller.signal).then(
      // The name as picked: browsers send `"` as %22 in the upload's header, and FastAPI gives it back so.
      (result) => setState({ status: 'checked', result: { ...result, filename: file.name } }),
      (error: unknown) => {
        if (isAbortError(error) || controller.signal.aborted) return;
        if (error instanceof UnreadableFileError) {
          setState({ status: 'failed', message: unreadableText(file.name) });
          return;
        }
        // Refused by its size alone (413): as the backend says of one of 6 MB, an issue with the file, not a failure to try again.
        if (error instanceof ApiError && error.status === 413) {
          const issue = file.size > largestImageBytes ? tooLargeText : tooLargeForServerText;
          const refused = { valid: false, filename: file.name, content_type: file.type, size_bytes: file.size, issues: [issue] };
          setState({ status: 'checked', result: refused });
          return;
        }
        setState({ status: 'failed', message: describeProblem(error) ?? problemTexts.unknown });
      },
    );
  }, []);

  return { state, validate };
}
