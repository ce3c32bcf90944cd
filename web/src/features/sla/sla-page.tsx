import { type FormEvent, useId, useState } from 'react'
import { Alert } from '../../components/alert'
import { CheckboxGroup } from '../../components/checkbox-group'
import { Field } from '../../components/field'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { RadioGroup } from '../../components/radio-group'
import { ApiError } from '../../lib/api-client'
import type { Priority, SlaSettings } from '../../lib/api-models'
import { priorityLabels } from '../../lib/enquiry-labels'
import { useSaveSlaSettings, useSlaSettings } from './api'
import { describeDuration } from './durations'

type OnBreach = SlaSettings['onBreach']
type Weekday = '1' | '2' | '3' | '4' | '5' | '6' | '7'

/** The form as typed; business hours are kept while switched off, so switching back restores them. */
interface SlaDraft {
  enabled: boolean
  firstContact: Record<Priority, string>
  workingHoursOnly: boolean
  timeZone: string
  days: Weekday[]
  start: string
  end: string
  onBreach: OnBreach
  warnBefore: string
}

const weekdays: [Weekday, string][] = [
  ['1', 'Monday'],
  ['2', 'Tuesday'],
  ['3', 'Wednesday'],
  ['4', 'Thursday'],
  ['5', 'Friday'],
  ['6', 'Saturday'],
  ['7', 'Sunday'],
]
const isWeekday = (value: string): value is Weekday => weekdays.some(([day]) => day === value)

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone

function draftOf(settings: SlaSettings): SlaDraft {
  const hours = settings.businessHours
  return {
    enabled: settings.enabled,
    firstContact: { ...settings.firstContact },
    workingHoursOnly: hours !== null,
    timeZone: hours?.timeZone ?? browserTimeZone(),
    days: (hours?.days ?? [1, 2, 3, 4, 5]).map(String).filter(isWeekday),
    start: hours?.start ?? '09:00',
    end: hours?.end ?? '17:30',
    onBreach: settings.onBreach,
    warnBefore: settings.warnBefore ?? '',
  }
}

const settingsOf = (draft: SlaDraft): SlaSettings => ({
  enabled: draft.enabled,
  firstContact: {
    high: draft.firstContact.high.trim(),
    medium: draft.firstContact.medium.trim(),
    low: draft.firstContact.low.trim(),
  },
  businessHours: draft.workingHoursOnly
    ? {
        timeZone: draft.timeZone.trim(),
        days: draft.days.map(Number).sort((a, b) => a - b),
        start: draft.start,
        end: draft.end,
      }
    : null,
  onBreach: draft.onBreach,
  warnBefore: draft.warnBefore.trim() || null,
})

const durationHint = (text: string) =>
  describeDuration(text) ?? 'An ISO 8601 duration, such as PT30M, PT4H or P1D'

/** The API names fields by path (`businessHours.start`): the first message at or under one. */
const errorAt = (errors: Record<string, string>, field: string): string | undefined =>
  Object.entries(errors).find(([key]) => key === field || key.startsWith(`${field}.`))?.[1]

const breachOptions: { value: OnBreach; label: string; description: string }[] = [
  {
    value: 'notify',
    label: 'Record and notify',
    description: 'The lead stays with its counselor; the breach is in its history and emails.',
  },
  {
    value: 'release',
    label: 'Return to the pool',
    description: 'Anyone may claim it again; admins are emailed.',
  },
  {
    value: 'reassign',
    label: 'Route it again',
    description:
      'The first matching routing rule picks someone else; with none, it returns to the pool.',
  },
]

export function SlaSettingsPage() {
  const settings = useSlaSettings()
  return (
    <Page title="SLA settings">
      <p>
        A first-contact deadline starts when a lead gets an owner (a claim, an assignment or a
        routing rule) and stops at its first status change. Changes apply to leads that get an owner
        afterwards; running deadlines keep theirs.
      </p>
      {settings.error && <Alert tone="error">{settings.error.message}</Alert>}
      {settings.isPending && <Loading label="Loading the SLA settings…" />}
      {settings.data && <SlaForm settings={settings.data.data} />}
    </Page>
  )
}

function SlaForm({ settings }: { settings: SlaSettings }) {
  const save = useSaveSlaSettings()
  const enabledId = useId()
  const zonesId = useId()
  const [draft, setDraft] = useState(() => draftOf(settings))
  const errors = save.error instanceof ApiError ? save.error.fieldErrors : {}
  const namedHoursField = Object.keys(errors).some((key) => key.startsWith('businessHours.'))
  const hoursError = namedHoursField ? undefined : errors.businessHours
  const set = (patch: Partial<SlaDraft>) => setDraft((current) => ({ ...current, ...patch }))
  const setTarget = (priority: Priority, value: string) =>
    setDraft((current) => ({
      ...current,
      firstContact: { ...current.firstContact, [priority]: value },
    }))

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    save.mutate(settingsOf(draft))
  }

  return (
    <form onSubmit={submit} className="stack narrow-form" noValidate>
      <div className="setting">
        <input
          id={enabledId}
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => set({ enabled: event.target.checked })}
        />
        <label htmlFor={enabledId}>Track first-contact deadlines</label>
      </div>

      <fieldset className="checkbox-group">
        <legend>Time to first contact</legend>
        <div className="stack">
          {(['high', 'medium', 'low'] as const).map((priority) => (
            <Field
              key={priority}
              label={`${priorityLabels[priority]} priority`}
              required
              maxLength={40}
              value={draft.firstContact[priority]}
              hint={durationHint(draft.firstContact[priority])}
              onChange={(event) => setTarget(priority, event.target.value)}
              error={errors[`firstContact.${priority}`]}
            />
          ))}
        </div>
      </fieldset>

      <Field
        label="Warn before the deadline"
        maxLength={40}
        value={draft.warnBefore}
        hint={
          draft.warnBefore.trim()
            ? durationHint(draft.warnBefore)
            : 'Empty: no warning. Otherwise a duration, such as PT10M.'
        }
        onChange={(event) => set({ warnBefore: event.target.value })}
        error={errors.warnBefore}
      />

      <RadioGroup
        legend="When the clock runs"
        options={[
          { value: 'always', label: 'Around the clock' },
          {
            value: 'hours',
            label: 'Only in business hours',
            description: 'Nights and days off do not count; P1D is then 24 working hours.',
          },
        ]}
        value={draft.workingHoursOnly ? 'hours' : 'always'}
        onChange={(value) => set({ workingHoursOnly: value === 'hours' })}
      />
      {draft.workingHoursOnly && (
        <fieldset className="checkbox-group">
          <legend>Business hours</legend>
          <div className="stack">
            <Field
              label="Time zone"
              list={zonesId}
              required
              maxLength={64}
              hint="An IANA name, such as Europe/London."
              value={draft.timeZone}
              onChange={(event) => set({ timeZone: event.target.value })}
              error={errors['businessHours.timeZone']}
            />
            <datalist id={zonesId}>
              {Intl.supportedValuesOf('timeZone').map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            <CheckboxGroup
              legend="Working days"
              options={weekdays}
              selected={draft.days}
              onChange={(days) => set({ days })}
              error={errorAt(errors, 'businessHours.days')}
            />
            <Field
              label="Day starts"
              type="time"
              required
              value={draft.start}
              onChange={(event) => set({ start: event.target.value })}
              error={errors['businessHours.start']}
            />
            <Field
              label="Day ends"
              type="time"
              required
              value={draft.end}
              onChange={(event) => set({ end: event.target.value })}
              error={errors['businessHours.end']}
            />
          </div>
          {/* The API's word on the whole, when no single field above is named. */}
          {hoursError && <p className="field-error">{hoursError}</p>}
        </fieldset>
      )}

      <RadioGroup
        legend="When a deadline passes"
        options={breachOptions}
        value={draft.onBreach}
        onChange={(onBreach) => set({ onBreach })}
        error={errors.onBreach}
      />

      {save.error && <Alert tone="error">{save.error.message}</Alert>}
      <div aria-live="polite">
        {save.isSuccess && (
          <Alert tone="success">
            {save.data.data.enabled
              ? 'Saved. Leads that get an owner from now on have a first-contact deadline.'
              : 'Saved. First-contact deadlines are off.'}
          </Alert>
        )}
      </div>
      <button type="submit" disabled={save.isPending}>
        Save SLA settings
      </button>
    </form>
  )
}
