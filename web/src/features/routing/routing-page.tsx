import { useEffect, useRef, useState } from 'react'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import type { RoutingRule } from '../../lib/api-models'
import { priorityLabels, sourceLabels } from '../../lib/enquiry-labels'
import { useActiveEmployees } from '../team/api'
import { useCreateRule, useDeleteRule, useRoutingRules, useUpdateRule } from './api'
import { strategyLabels } from './labels'
import { RuleForm } from './rule-form'

/** What a rule takes, in words: every list it narrows by, or everything. */
function describeMatch(match: RoutingRule['match']): string {
  const parts = [
    match.sources?.length
      ? `Sources: ${match.sources.map((source) => sourceLabels[source]).join(', ')}`
      : '',
    match.priorities?.length
      ? `Priorities: ${match.priorities.map((priority) => priorityLabels[priority]).join(', ')}`
      : '',
    match.courses?.length ? `Courses: ${match.courses.join(', ')}` : '',
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(' · ') : 'Every new enquiry'
}

export function RoutingRulesPage() {
  const rules = useRoutingRules()
  const employees = useActiveEmployees()
  const create = useCreateRule()
  const update = useUpdateRule()
  const switchRule = useUpdateRule()
  const remove = useDeleteRule()
  const [editing, setEditing] = useState<RoutingRule>()
  const [confirming, setConfirming] = useState<string>()
  const [done, setDone] = useState<string>()
  // A new form after each rule added, so it starts empty.
  const [formKey, setFormKey] = useState(0)

  const people = employees.data?.data ?? []
  const counselors = people.filter((person) => person.role === 'counselor')
  const nameOf = new Map(people.map((person) => [person._id, person.name]))
  const list = rules.data?.data ?? []
  const nextPosition = Math.max(0, ...list.map((rule) => rule.position)) + 1
  const busy = create.isPending || update.isPending || switchRule.isPending || remove.isPending

  const resetOutcome = () => {
    setDone(undefined)
    create.reset()
    update.reset()
    switchRule.reset()
    remove.reset()
  }

  const toggle = (rule: RoutingRule) => {
    resetOutcome()
    switchRule.mutate(
      { id: rule._id, active: !rule.active },
      {
        onSuccess: () =>
          setDone(`“${rule.name}” is ${rule.active ? 'switched off' : 'active again'}.`),
      },
    )
  }

  const deleteRule = (rule: RoutingRule) => {
    resetOutcome()
    remove.mutate(rule._id, {
      onSuccess: () => setDone(`Deleted “${rule.name}”.`),
      onSettled: () => setConfirming(undefined),
    })
  }

  return (
    <Page
      title="Routing rules"
      aside={rules.data && <p className="count">{rules.data.count} rules</p>}
    >
      <p>
        A new enquiry goes to the first active rule, by position, whose match fits it. With no rule
        matching, it waits in the pool as usual.
      </p>
      <div aria-live="polite">{done && <Alert tone="success">{done}</Alert>}</div>
      {switchRule.error && <Alert tone="error">{switchRule.error.message}</Alert>}
      {remove.error && <Alert tone="error">{remove.error.message}</Alert>}
      {rules.error && <Alert tone="error">{rules.error.message}</Alert>}
      {employees.error && (
        <Alert tone="error">The team could not be loaded: {employees.error.message}</Alert>
      )}
      {rules.isPending && <Loading label="Loading the routing rules…" />}
      {rules.data && list.length === 0 && (
        <p className="empty">No routing rules yet: every new enquiry goes to the pool.</p>
      )}
      {list.length > 0 && (
        <DataTable
          caption="Routing rules, in the order they are tried"
          rows={list}
          columns={[
            { header: 'Position', cell: (rule) => rule.position },
            { header: 'Name', rowHeader: true, cell: (rule) => rule.name },
            { header: 'Matches', cell: (rule) => describeMatch(rule.match) },
            { header: 'Strategy', cell: (rule) => strategyLabels[rule.strategy] },
            {
              header: 'Counselors',
              cell: (rule) =>
                rule.counselorIds
                  .map((id) => nameOf.get(id) ?? 'an inactive employee')
                  .join(', ') || '—',
            },
            { header: 'State', cell: (rule) => (rule.active ? 'Active' : 'Off') },
            {
              header: 'Actions',
              action: true,
              cell: (rule) =>
                confirming === rule._id ? (
                  <ConfirmDelete
                    rule={rule}
                    busy={busy}
                    onConfirm={() => deleteRule(rule)}
                    onCancel={() => setConfirming(undefined)}
                  />
                ) : (
                  <div className="button-row">
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Edit ${rule.name}`}
                      onClick={() => {
                        resetOutcome()
                        setEditing(rule)
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      disabled={busy}
                      aria-label={`${rule.active ? 'Switch off' : 'Activate'} ${rule.name}`}
                      onClick={() => toggle(rule)}
                    >
                      {rule.active ? 'Switch off' : 'Activate'}
                    </button>
                    <button
                      type="button"
                      className="button-danger"
                      disabled={busy}
                      aria-label={`Delete ${rule.name}`}
                      onClick={() => setConfirming(rule._id)}
                    >
                      Delete
                    </button>
                  </div>
                ),
            },
          ]}
        />
      )}
      {/* The form waits for the rules: a new one's position goes after the last. */}
      {rules.data &&
        (editing ? (
          <RuleForm
            key={editing._id}
            rule={editing}
            nextPosition={nextPosition}
            counselors={counselors}
            busy={busy}
            error={update.error}
            onSave={(fields) => {
              resetOutcome()
              update.mutate(
                { id: editing._id, ...fields },
                {
                  onSuccess: () => {
                    setEditing(undefined)
                    setDone(`Saved “${fields.name}”.`)
                  },
                },
              )
            }}
            onCancel={() => {
              resetOutcome()
              setEditing(undefined)
            }}
          />
        ) : (
          <RuleForm
            key={`new-${formKey}`}
            nextPosition={nextPosition}
            counselors={counselors}
            busy={busy}
            error={create.error}
            onSave={(fields) => {
              resetOutcome()
              create.mutate(fields, {
                onSuccess: () => {
                  setFormKey((key) => key + 1)
                  setDone(`Added “${fields.name}”.`)
                },
              })
            }}
          />
        ))}
    </Page>
  )
}

interface ConfirmDeleteProps {
  rule: RoutingRule
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}

/** Deleting asks once more, in place; the question takes focus. */
function ConfirmDelete({ rule, busy, onConfirm, onCancel }: ConfirmDeleteProps) {
  const confirm = useRef<HTMLButtonElement>(null)
  useEffect(() => confirm.current?.focus(), [])
  return (
    <div className="button-row">
      <span>Delete “{rule.name}”?</span>
      <button
        ref={confirm}
        type="button"
        className="button-danger"
        disabled={busy}
        aria-label={`Yes, delete ${rule.name}`}
        onClick={onConfirm}
      >
        Yes, delete
      </button>
      <button type="button" className="button-secondary" onClick={onCancel}>
        Keep it
      </button>
    </div>
  )
}
