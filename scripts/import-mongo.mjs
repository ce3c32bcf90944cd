// `npm run import:mongo -- --employees employees.json --enquiries enquiries.json [--skip-invalid]`
import { runCompiled } from './build-if-needed.mjs'

await runCompiled('cli/import-mongo.js')
