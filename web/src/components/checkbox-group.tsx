import { useId } from 'react'

interface CheckboxGroupProps<Value extends string> {
  legend: string
  hint?: string
  /** `[value, label]` pairs, in the order shown. */
  options: readonly (readonly [Value, string])[]
  /** The ticked values, in the order they were ticked. */
  selected: readonly Value[]
  onChange: (selected: Value[]) => void
  /** The API's (or the form's) message for the group, tied to it for assistive technology. */
  error?: string | undefined
}

/** A fieldset of checkboxes: several values of one field. */
export function CheckboxGroup<Value extends string>({
  legend,
  hint,
  options,
  selected,
  onChange,
  error,
}: CheckboxGroupProps<Value>) {
  const id = useId()
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ')
  const toggle = (value: Value, ticked: boolean) =>
    onChange(ticked ? [...selected, value] : selected.filter((other) => other !== value))
  return (
    <fieldset
      className={`checkbox-group${error ? ' has-error' : ''}`}
      aria-describedby={describedBy || undefined}
    >
      <legend>{legend}</legend>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="checkbox-options">
        {options.map(([value, label]) => (
          <label key={value}>
            <input
              type="checkbox"
              value={value}
              checked={selected.includes(value)}
              onChange={(event) => toggle(value, event.target.checked)}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  )
}
