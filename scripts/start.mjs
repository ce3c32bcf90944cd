// `npm start`: builds when needed, then runs the compiled server in this same process, so signals
// reach the server directly.
import { runCompiled } from './build-if-needed.mjs'

await runCompiled('server.js')
