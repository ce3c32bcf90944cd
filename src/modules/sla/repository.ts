import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { appSettings } from '../../db/schema/index.js'

/** Team-wide settings by key: plain JSON values. */

export async function readSetting(db: Db, key: string): Promise<unknown> {
  const [row] = await db
    .select({ value: appSettings.value })
    .from(appSettings)
    .where(eq(appSettings.key, key))
  return row?.value
}

export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db
    .insert(appSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: sql`now()` } })
}
