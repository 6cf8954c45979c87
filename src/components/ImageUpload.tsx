import { useEffect } from 'react';
import { useAuth } from '../hooks/use-auth.ts';
import { useImageValidation } from '../hooks/use-image-validation.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';

/**
 * A reference image picker; the backend checks type and size. Another
 * account signing in gets a new picker: the last one's check, done or under
 * way, is not theirs to see. A picked file cannot be kept across a reload:
 * its name is, to say so.
 */
export function ImageUpload() {
  const { account } = useAuth();
  return <ImagePicker key={String(account)} />;
}

function ImagePicker() {
  const { state, validate } = useImageValidation();
  // The last pick's name, for the tab. Nothing picked on this page yet (idle): it went with the page before.
  const [picked, setPicked] = useTabDraft('upload.picked', '');
  // A file the check refused is nothing to pick again: not told of after a reload.
  const refused = state.status === 'checked' && !state.result.valid;
  useEffect(() => {
    if (refused) setPicked('');
  }, [refused, setPicked]);
  return (
    <section className="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">Reference image</h2>
      <label htmlFor="reference-image">Upload a reference image</label>
      <input
        id="reference-image"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Emptied, so that picking the same file again (to try again after a failure) is a change the browser reports.
          event.target.value = '';
          if (!file) return;
          setPicked(file.name);
          validate(file);
        }}
      />
      {/* Mounted, so that "Checking…" and then each answer are read out, a second pick's too; a status: nothing flashes. */}
      <div role="status">
        {state.status === 'idle' && picked ? (
          <p className="muted">{picked}, picked before the page was reloaded or left, is not kept: pick it again.</p>
        ) : null}
        {state.status === 'checking' ? <p className="muted">Checking {state.filename}…</p> : null}
        {state.status === 'checked' && state.result.valid ? (
          <p>
            {state.result.filename} is ready ({state.result.content_type}, {Math.ceil(state.result.size_bytes / 1024)} KB).
          </p>
        ) : null}
        {state.status === 'checked' && !state.result.valid ? (
          <ul className="problem">
            {state.result.issues.map((issue) => (
              <li key={issue}>{issue}</li>
            ))}
          </ul>
        ) : null}
        {state.status === 'failed' ? <p className="problem">{state.message}</p> : null}
      </div>
    </section>
  );
}
