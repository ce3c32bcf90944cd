// PM2: `npm run build && pm2 start ecosystem.config.cjs`. Cluster mode runs one process per core
// on one port, so DATABASE_URL must point at PostgreSQL (and REDIS_URL should be set, so that rate
// limits and login lockouts are shared). PM2 runs node directly: signals reach the server.
module.exports = {
  apps: [
    {
      name: 'crm-api',
      script: 'dist/server.js',
      exec_mode: 'cluster',
      instances: 'max',
      // Longer than SHUTDOWN_TIMEOUT_MS, so in-flight requests can finish on reload and stop.
      kill_timeout: 12000,
      env: { NODE_ENV: 'production' },
    },
  ],
}
