import { useState } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { useLab } from '../store/react.ts';

/** Puts every run on screen, compressed, into the URL fragment: the link shows the same results without data. */
export function ShareButton({ records }: { records: ResultRecord[] }) {
  const makeShareUrl = useLab((s) => s.makeShareUrl);
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const share = () => {
    const link = makeShareUrl(location.href, records);
    setUrl(link);
    setCopied(false);
    if (link) {
      navigator.clipboard?.writeText(link).then(
        () => setCopied(true),
        () => setCopied(false), // clipboard may be denied; the link stays selectable below
      );
    }
  };
  return (
    <div className="share">
      <button type="button" data-testid="share" onClick={share}>
        {records.length > 1 ? `Share a link to these ${records.length} runs` : 'Share a link to this result'}
      </button>
      {url ? (
        <label>
          {copied ? 'Copied: ' : 'Link: '}
          <input
            readOnly
            value={url}
            data-testid="share-url"
            onFocus={(e) => e.target.select()}
            size={40}
            aria-label="Share link"
          />
        </label>
      ) : null}
    </div>
  );
}
