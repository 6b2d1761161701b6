import { useLab } from '../store/react.ts';

/** Every error the lab reports, in words the user can act on; each can be dismissed. */
export function ErrorBanner() {
  const errors = useLab((s) => s.errors);
  const dismiss = useLab((s) => s.dismissError);
  if (errors.length === 0) return null;
  return (
    <div className="errors" role="alert" data-testid="errors">
      {errors.map((e) => (
        <p key={e.id} className="error">
          <span>{e.message}</span>
          <button type="button" onClick={() => dismiss(e.id)} aria-label="Dismiss this message">
            Dismiss
          </button>
        </p>
      ))}
    </div>
  );
}
