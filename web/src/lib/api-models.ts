import type { paths } from './api-types'

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never

/** An enquiry as lists and single-enquiry answers show it. */
export type Enquiry = JsonOf<
  paths['/api/enquiries/unclaimed']['get']['responses'][200]
>['data'][number]
export type EnquiryDetail = JsonOf<paths['/api/enquiries/{id}']['get']['responses'][200]>['data']
export type EnquiryList = JsonOf<paths['/api/enquiries/unclaimed']['get']['responses'][200]>
export type PoolQuery = NonNullable<paths['/api/enquiries/unclaimed']['get']['parameters']['query']>
export type EnquiryStatus = Enquiry['status']
export type Priority = Enquiry['priority']
export type Source = Enquiry['source']
export type SlaState = NonNullable<Enquiry['sla']>
export type Activity = EnquiryDetail['activity'][number]
export type Note = EnquiryDetail['notes'][number]
export type EmployeeList = JsonOf<paths['/api/employees']['get']['responses'][200]>
export type TeamMember = EmployeeList['data'][number]
export type AdminEnquiryQuery = NonNullable<paths['/api/enquiries']['get']['parameters']['query']>
export type Stats = JsonOf<paths['/api/stats']['get']['responses'][200]>['data']
export type Me = JsonOf<paths['/api/auth/me']['get']['responses'][200]>['data']['employee']
export type MeChange = NonNullable<
  paths['/api/auth/me']['patch']['requestBody']
>['content']['application/json']
export type RoutingRule = JsonOf<
  paths['/api/routing-rules']['get']['responses'][200]
>['data'][number]
export type RoutingRuleFields = NonNullable<
  paths['/api/routing-rules']['post']['requestBody']
>['content']['application/json']
export type SlaSettings = JsonOf<paths['/api/settings/sla']['get']['responses'][200]>['data']
