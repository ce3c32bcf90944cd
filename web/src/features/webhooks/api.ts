import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import type { paths } from '../../lib/api-types'

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never

export type Webhook = JsonOf<paths['/api/webhooks/{id}']['get']['responses'][200]>['data']
export type Delivery = JsonOf<
  paths['/api/webhooks/{id}/deliveries']['get']['responses'][200]
>['data'][number]
export type WebhookFields =
  paths['/api/webhooks']['post']['requestBody']['content']['application/json']
export type SubscribableEvent = Exclude<WebhookFields['events'][number], '*'>

/** One page of the delivery log: small, as it is read from the top and polled while pending. */
const DELIVERY_PAGE_SIZE = 20
/** While a shown delivery is pending, the log is asked again this often. */
const PENDING_POLL_MS = 2_000

// The keys live with the feature: nothing outside it reads or invalidates them.
export const webhookKeys = {
  all: ['webhooks'] as const,
  list: ['webhooks', 'list'] as const,
  one: (id: string) => ['webhooks', 'one', id] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
}

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => unwrap(api.GET('/api/webhooks', { signal })),
  })
}

export function useWebhook(id: string) {
  return useQuery({
    queryKey: webhookKeys.one(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/webhooks/{id}', { params: { path: { id } }, signal })),
  })
}

/** A page of the log (`before`: the cursor of an older page); polled while a delivery is pending. */
export function useDeliveries(id: string, before: string | undefined) {
  return useQuery({
    queryKey: [...webhookKeys.deliveries(id), before ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/webhooks/{id}/deliveries', {
          params: {
            path: { id },
            query: { limit: DELIVERY_PAGE_SIZE, ...(before ? { before } : {}) },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.data.some((delivery) => delivery.status === 'pending')
        ? PENDING_POLL_MS
        : false,
  })
}

// The answers of creating an endpoint and rotating its secret carry the secret: they are kept in
// no cache (gcTime 0), only shown by the component that made the call, while it is on screen.

export function useCreateWebhook() {
  const queryClient = useQueryClient()
  return useMutation({
    gcTime: 0,
    mutationFn: (fields: WebhookFields) => unwrap(api.POST('/api/webhooks', { body: fields })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list }),
  })
}

export function useRotateSecret(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    gcTime: 0,
    mutationFn: () =>
      unwrap(api.POST('/api/webhooks/{id}/rotate-secret', { params: { path: { id } } })),
    onSuccess: ({ data: { secret: _secret, ...webhook } }) => {
      queryClient.setQueryData(webhookKeys.one(id), { success: true as const, data: webhook })
    },
  })
}

export function useUpdateWebhook(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (changes: Partial<WebhookFields>) =>
      unwrap(api.PATCH('/api/webhooks/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (answer) => {
      queryClient.setQueryData(webhookKeys.one(id), answer)
      return queryClient.invalidateQueries({ queryKey: webhookKeys.list })
    },
  })
}

export function useDeleteWebhook(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/webhooks/{id}', { params: { path: { id } } })),
    // The endpoint's own queries are left to expire: removing them while its page is still
    // mounted would ask the API for it again, and get a 404.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list }),
  })
}

export function useSendTestEvent(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/webhooks/{id}/test', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(id) }),
  })
}

export function useRetryDelivery(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/api/webhooks/{id}/deliveries/{deliveryId}/retry', {
          params: { path: { id, deliveryId } },
        }),
      ),
    // A 409 (already pending) also means the shown row is out of date.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(id) }),
  })
}
