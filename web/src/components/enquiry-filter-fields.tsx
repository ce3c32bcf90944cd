import type { SharedFilters } from '../lib/enquiry-filters'
import { optionsOf, priorityLabels, sortLabels, sourceLabels } from '../lib/enquiry-labels'
import { Field, SelectField } from './field'

/** The filters the pool and the list of all enquiries share, for a FilterForm. */
export function EnquiryFilterFields({ filters }: { filters: SharedFilters }) {
  return (
    <>
      <SelectField
        label="Priority"
        name="priority"
        options={[['', 'Any priority'], ...optionsOf(priorityLabels)]}
        defaultValue={filters.priority ?? ''}
      />
      <SelectField
        label="Source"
        name="source"
        options={[['', 'Any source'], ...optionsOf(sourceLabels)]}
        defaultValue={filters.source ?? ''}
      />
      <Field
        label="Course"
        name="course"
        maxLength={100}
        defaultValue={filters.courseInterest ?? ''}
      />
      <SelectField
        label="Sort"
        name="sort"
        options={optionsOf(sortLabels)}
        defaultValue={filters.sort ?? 'newest'}
      />
    </>
  )
}
