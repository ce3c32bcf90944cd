import type { Employee } from '../db/schema/index.js'

const MAX_ENTRIES = 10_000

/**
 * The employees behind recent requests, for a short time, so that an authenticated request does
 * not always read its caller first. Revocation stays immediate: a change made here is forgotten
 * after its commit (`forget`), one made elsewhere when the database notifies this instance, and
 * while notifications cannot be trusted (`enabled` false) nothing is cached at all. A look-up that
 * was under way while anything was forgotten is not cached, since it may predate the change.
 */
export class CallerCache {
  readonly #entries = new Map<string, { employee: Employee; expiresAt: number }>()
  #generation = 0
  #enabled = false

  constructor(
    private readonly ttlMs: number,
    private readonly load: (id: string) => Promise<Employee | undefined>,
  ) {}

  async get(id: string): Promise<Employee | undefined> {
    if (!this.#enabled || this.ttlMs === 0) return this.load(id)
    const hit = this.#entries.get(id)
    if (hit && hit.expiresAt > Date.now()) return hit.employee
    const generation = this.#generation
    const employee = await this.load(id)
    if (employee && this.#enabled && generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear()
      this.#entries.set(id, { employee, expiresAt: Date.now() + this.ttlMs })
    }
    return employee
  }

  forget(id: string): void {
    this.#generation++
    this.#entries.delete(id)
  }

  /** Off while the notifications that keep it honest may be missed. */
  set enabled(on: boolean) {
    this.#generation++
    this.#entries.clear()
    this.#enabled = on
  }
}
