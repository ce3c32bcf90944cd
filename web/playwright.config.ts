import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { defineConfig, devices } from '@playwright/test'
import { ADMIN } from './e2e/support'

// The config is read again by every worker: the first read picks a free port and hands it on
// through the environment, so all of them talk to the one server started below.
const freePort = () =>
  execFileSync(process.execPath, [
    '-e',
    'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close() })',
  ]).toString()
process.env.CRM_BROWSER_TEST_PORT ??= freePort()
// Where the embedding test serves "an institution's site" that embeds the public form.
process.env.CRM_BROWSER_TEST_SITE_PORT ??= freePort()
const port = Number(process.env.CRM_BROWSER_TEST_PORT)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 7_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // Debian's Chromium: Playwright's own browser download is not available here.
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // The real server as users start it: `npm start` builds the console when needed.
    command: 'npm start',
    cwd: join(import.meta.dirname, '..'),
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: 'memory://',
      JWT_SECRET: 'browser-tests-secret-browser-tests-secret-0123',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      FORM_EMBED_ORIGINS: `http://127.0.0.1:${process.env.CRM_BROWSER_TEST_SITE_PORT}`,
      FORM_COURSES: 'Web Development, Data Science, Nursing, UX Design',
      // Consent stays optional here, so the tests that fill the form without ticking keep working.
      PRIVACY_NOTICE_URL: 'https://www.example.edu/privacy',
      PRIVACY_NOTICE_VERSION: 'browser-tests-1',
      // Every test logs in several people from 127.0.0.1: the limits are tested elsewhere.
      RATE_LIMIT_MAX_REQUESTS: '100000',
      AUTH_RATE_LIMIT_MAX: '100000',
      ENQUIRY_RATE_LIMIT_MAX: '100000',
      // The webhook tests' receivers listen on 127.0.0.1, and a failing delivery settles in seconds.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_DELAYS: '1s,1s',
    },
  },
})
