import { type DragEvent, useRef, useState } from 'react';
import {
  canPickDirectory,
  entriesFromDrop,
  filesFromInput,
  type PickedFolder,
  pickDirectory,
  walkDropped,
} from '../folder-walk.ts';
import { useLab } from '../store/react.ts';

/** Drop a folder, or choose one (File System Access API where available, webkitdirectory elsewhere). */
export function DropZone() {
  const loadFolder = useLab((s) => s.loadFolder);
  const reportError = useLab((s) => s.reportError);
  const scanning = useLab((s) => s.datasetStatus === 'scanning');
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const load = (picked: PickedFolder | null) => (picked ? loadFolder(picked.name, picked.files) : undefined);

  const onDrag = (e: DragEvent) => {
    e.preventDefault();
    setOver(e.type !== 'dragleave');
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    // Entries must be taken now: the DataTransfer is emptied as soon as this handler returns.
    const entries = entriesFromDrop(e.dataTransfer);
    if (entries.length === 0) {
      reportError(new Error('Nothing usable was dropped: drop a folder with one subfolder per class'));
      return;
    }
    walkDropped(entries)
      .then(load)
      .catch((err) => reportError(err, 'Could not read the dropped folder'));
  };
  const choose = () => {
    if (!canPickDirectory()) {
      inputRef.current?.click();
      return;
    }
    pickDirectory()
      .then(load)
      .catch((err) => reportError(err, 'Could not read the chosen folder'));
  };

  return (
    <section
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragEnter={onDrag}
      onDragOver={onDrag}
      onDragLeave={onDrag}
      onDrop={onDrop}
      aria-label="Dataset folder drop zone"
    >
      <p>
        Drop an image folder here: one subfolder per class, optionally under <code>train/</code>,{' '}
        <code>val/</code>, <code>test/</code>. Images never leave this computer.
      </p>
      <button type="button" onClick={choose} disabled={scanning}>
        Choose a folder…
      </button>
      <label className="visually-hidden">
        Folder
        <input
          ref={inputRef}
          type="file"
          data-testid="folder-input"
          // webkitdirectory is not in React's typings; it makes the input pick a whole folder.
          {...{ webkitdirectory: '', directory: '' }}
          multiple
          onChange={(e) => {
            if (e.target.files?.length) void load(filesFromInput(e.target.files));
            e.target.value = '';
          }}
        />
      </label>
      {scanning ? <p aria-live="polite">Reading the folder…</p> : null}
    </section>
  );
}
