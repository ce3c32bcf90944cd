import type { RoutingRule } from '../../lib/api-models'

export const strategyLabels = {
  round_robin: 'Take turns (round robin)',
  least_loaded: 'Fewest open leads first',
  pool: 'Leave in the pool',
} as const satisfies Record<RoutingRule['strategy'], string>
