import { useId } from 'react'

interface RadioOption<Value extends string> {
  value: Value
  label: string
  /** A line under the label, saying what the choice does. */
  description?: string
}

interface RadioGroupProps<Value extends string> {
  legend: string
  options: readonly RadioOption<Value>[]
  value: Value
  onChange: (value: Value) => void
  error?: string | undefined
}

/** A fieldset of radio buttons: one value of a few, each explained. */
export function RadioGroup<Value extends string>({
  legend,
  options,
  value,
  onChange,
  error,
}: RadioGroupProps<Value>) {
  const id = useId()
  return (
    <fieldset
      className={`checkbox-group${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      <div className="radio-options">
        {options.map((option) => (
          <div key={option.value} className="radio-option">
            <input
              type="radio"
              id={`${id}-${option.value}`}
              name={id}
              value={option.value}
              checked={option.value === value}
              aria-describedby={option.description ? `${id}-${option.value}-hint` : undefined}
              onChange={() => onChange(option.value)}
            />
            <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
            {option.description && (
              <p className="field-hint" id={`${id}-${option.value}-hint`}>
                {option.description}
              </p>
            )}
          </div>
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
