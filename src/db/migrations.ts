import { fileURLToPath } from 'node:url'

/** The SQL migrations drizzle-kit writes (and the hand-written ones beside them). */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

/** Any constant shared by every instance of this service; serializes concurrent migrations. */
export const MIGRATION_LOCK_ID = 0x63726d // "crm"
