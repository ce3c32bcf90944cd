import {
  type InputHTMLAttributes,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react'

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string
  /** The API's (or the form's) message for this field, shown beside it. */
  error?: string | undefined
  hint?: string
}

/** A labelled input whose error is tied to it for assistive technology. */
export function Field({ label, error, hint, id, className, ...input }: FieldProps) {
  const generated = useId()
  const inputId = id ?? generated
  const describedBy = [hint ? `${inputId}-hint` : '', error ? `${inputId}-error` : '']
    .filter(Boolean)
    .join(' ')
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p className="field-hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {error && (
        <p className="field-error" id={`${inputId}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

/** A password input: never longer than the API accepts, and required. */
export function PasswordField(props: Omit<FieldProps, 'type'>) {
  return <Field type="password" required maxLength={128} {...props} />
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string
  /** `[value, label]` pairs, in order. */
  options: readonly (readonly [string, string])[]
}

export function SelectField({ label, options, id, ...select }: SelectFieldProps) {
  const generated = useId()
  const selectId = id ?? generated
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {options.map(([value, optionLabel]) => (
          <option key={value} value={value}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  )
}

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string
  error?: string | undefined
}

export function TextAreaField({ label, error, id, ...textarea }: TextAreaFieldProps) {
  const generated = useId()
  const inputId = id ?? generated
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <textarea
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
        {...textarea}
      />
      {error && (
        <p className="field-error" id={`${inputId}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}
