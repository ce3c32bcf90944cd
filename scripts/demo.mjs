// `npm run demo [-- --force]`: a demo team and a few hundred enquiries in the configured database.
import { runCompiled } from './build-if-needed.mjs'

await runCompiled('cli/demo.js')
