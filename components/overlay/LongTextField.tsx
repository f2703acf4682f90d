/**
 * A required free-text field of the overlay's dialogs (the help request's description, the
 * answer to support): its label, a character counter, and the "required" message when the user
 * tried to send it empty, all tied to the textarea for screen readers.
 */
import { useId, type Ref } from 'react';
import type { Translate } from '@/lib/i18n';

export interface LongTextFieldProps {
  t: Translate;
  label: string;
  /** Shown (and announced with the field) while `missing`. */
  requiredMessage: string;
  missing: boolean;
  value: string;
  onChange: (value: string) => void;
  max: number;
  rows: number;
  textareaRef?: Ref<HTMLTextAreaElement>;
}

export function LongTextField({ t, label, requiredMessage, missing, value, onChange, max, rows, textareaRef }: LongTextFieldProps) {
  const id = useId();
  const counterId = useId();
  const requiredId = useId();
  return (
    <>
      <label htmlFor={id} className="ob-subheading">
        {label}
      </label>
      <textarea
        ref={textareaRef}
        id={id}
        className="ob-help__description"
        rows={rows}
        required
        maxLength={max}
        aria-invalid={missing}
        aria-describedby={missing ? `${requiredId} ${counterId}` : counterId}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {missing && (
        <p id={requiredId} className="ob-help__error">
          {requiredMessage}
        </p>
      )}
      <p id={counterId} className="ob-muted">
        {t('helpDescriptionCounter', [String(value.length), String(max)])}
      </p>
    </>
  );
}
