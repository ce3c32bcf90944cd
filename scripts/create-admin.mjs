// `npm run create-admin -- --email … --name … [--password …]`
import { runCompiled } from './build-if-needed.mjs'

await runCompiled('cli/create-admin.js')
