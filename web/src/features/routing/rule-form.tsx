import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { Alert } from '../../components/alert'
import { CheckboxGroup } from '../../components/checkbox-group'
import { Field, SelectField } from '../../components/field'
import { ApiError } from '../../lib/api-client'
import type { Priority, RoutingRule, RoutingRuleFields, Source } from '../../lib/api-models'
import { optionsOf, priorityLabels, sourceLabels } from '../../lib/enquiry-labels'
import { strategyLabels } from './labels'

type Strategy = RoutingRule['strategy']

/** The form as typed: numbers and lists as text until they are sent. */
interface RuleDraft {
  name: string
  position: string
  active: boolean
  sources: Source[]
  priorities: Priority[]
  /** Comma-separated course names. */
  courses: string
  strategy: Strategy
  counselorIds: string[]
}

const draftOf = (rule: RoutingRule): RuleDraft => ({
  name: rule.name,
  position: String(rule.position),
  active: rule.active,
  sources: rule.match.sources ?? [],
  priorities: rule.match.priorities ?? [],
  courses: (rule.match.courses ?? []).join(', '),
  strategy: rule.strategy,
  counselorIds: rule.counselorIds,
})

const emptyDraft = (position: number): RuleDraft => ({
  name: '',
  position: String(position),
  active: true,
  sources: [],
  priorities: [],
  courses: '',
  strategy: 'round_robin',
  counselorIds: [],
})

const fieldsOf = (draft: RuleDraft, position: number): RoutingRuleFields => ({
  name: draft.name.trim(),
  position,
  active: draft.active,
  match: {
    sources: draft.sources,
    priorities: draft.priorities,
    courses: draft.courses
      .split(',')
      .map((course) => course.trim())
      .filter(Boolean),
  },
  strategy: draft.strategy,
  counselorIds: draft.counselorIds,
})

/** The API names nested fields by path (`match.courses.0`): the first message at or under one. */
const errorAt = (errors: Record<string, string>, field: string): string | undefined =>
  Object.entries(errors).find(([key]) => key === field || key.startsWith(`${field}.`))?.[1]

const strategies = Object.keys(strategyLabels) as Strategy[]
const strategyOf = (value: string): Strategy =>
  strategies.find((strategy) => strategy === value) ?? 'round_robin'

const sources = optionsOf(sourceLabels)
const priorities = optionsOf(priorityLabels)

/**
 * The active counselors, and any of the rule's own who no longer are (deactivated, made admin):
 * those stay listed, so they can be unticked.
 */
function counselorOptions(
  counselors: readonly { _id: string; name: string }[],
  chosen: readonly string[],
): [string, string][] {
  const known = new Set(counselors.map((person) => person._id))
  return [
    ...counselors.map((person): [string, string] => [person._id, person.name]),
    ...chosen
      .filter((id) => !known.has(id))
      .map((id): [string, string] => [id, `Not an active counselor (${id})`]),
  ]
}

interface RuleFormProps {
  /** The rule being edited; none: a new one. */
  rule?: RoutingRule
  /** Where a new rule goes by default: after the last one. */
  nextPosition: number
  counselors: readonly { _id: string; name: string }[]
  busy: boolean
  error: Error | null
  onSave: (fields: RoutingRuleFields) => void
  onCancel?: () => void
}

export function RuleForm({
  rule,
  nextPosition,
  counselors,
  busy,
  error,
  onSave,
  onCancel,
}: RuleFormProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  const activeId = useId()
  const [draft, setDraft] = useState(rule ? draftOf(rule) : emptyDraft(nextPosition))
  const [positionError, setPositionError] = useState<string>()
  const apiErrors = error instanceof ApiError ? error.fieldErrors : {}
  const set = (patch: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...patch }))

  // Editing starts at the form: its heading takes focus, so the keyboard and screen reader follow.
  useEffect(() => {
    if (rule) heading.current?.focus()
  }, [rule])

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const position = Number(draft.position)
    const valid = draft.position.trim() !== '' && Number.isInteger(position) && position >= 0
    setPositionError(valid ? undefined : 'Give a whole number, 0 or more')
    if (valid) onSave(fieldsOf(draft, position))
  }

  const title = rule ? `Edit “${rule.name}”` : 'Add a routing rule'
  return (
    <section aria-labelledby="rule-form-heading" className="card spaced">
      <h2 id="rule-form-heading" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <form onSubmit={submit} className="stack" noValidate>
        <Field
          label="Rule name"
          required
          maxLength={100}
          value={draft.name}
          onChange={(event) => set({ name: event.target.value })}
          error={apiErrors.name}
        />
        <Field
          label="Position"
          type="number"
          min={0}
          max={1_000_000}
          step={1}
          required
          hint="Rules are tried from the lowest position up; the first whose match fits decides."
          value={draft.position}
          onChange={(event) => set({ position: event.target.value })}
          error={positionError ?? apiErrors.position}
        />
        <div className="setting">
          <input
            id={activeId}
            type="checkbox"
            checked={draft.active}
            onChange={(event) => set({ active: event.target.checked })}
          />
          <label htmlFor={activeId}>Active</label>
        </div>
        <CheckboxGroup
          legend="Sources"
          hint="None ticked: any source."
          options={sources}
          selected={draft.sources}
          onChange={(selected) => set({ sources: selected })}
          error={errorAt(apiErrors, 'match.sources')}
        />
        <CheckboxGroup
          legend="Priorities"
          hint="None ticked: any priority."
          options={priorities}
          selected={draft.priorities}
          onChange={(selected) => set({ priorities: selected })}
          error={errorAt(apiErrors, 'match.priorities')}
        />
        <Field
          label="Courses"
          hint="Separated by commas, in any letter case; empty: any course."
          value={draft.courses}
          onChange={(event) => set({ courses: event.target.value })}
          error={errorAt(apiErrors, 'match.courses') ?? errorAt(apiErrors, 'match')}
        />
        <SelectField
          label="Strategy"
          options={optionsOf(strategyLabels)}
          value={draft.strategy}
          onChange={(event) => set({ strategy: strategyOf(event.target.value) })}
        />
        <CheckboxGroup
          legend="Counselors"
          hint="Active counselors who get the leads, taking turns in the order ticked. Away or at their cap: skipped."
          options={counselorOptions(counselors, draft.counselorIds)}
          selected={draft.counselorIds}
          onChange={(selected) => set({ counselorIds: selected })}
          error={errorAt(apiErrors, 'counselorIds')}
        />
        {error && <Alert tone="error">{error.message}</Alert>}
        <div className="button-row">
          <button type="submit" disabled={busy}>
            {rule ? 'Save rule' : 'Add rule'}
          </button>
          {onCancel && (
            <button type="button" className="button-secondary" onClick={onCancel}>
              Cancel editing
            </button>
          )}
        </div>
      </form>
    </section>
  )
}
