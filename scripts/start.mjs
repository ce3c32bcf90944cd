// `npm start`: builds the server and the web console when needed, then runs the compiled server in this same process, so signals
// reach the server directly.
import { ensureConsoleBuilt, runCompiled } from './build-if-needed.mjs'

ensureConsoleBuilt()
await runCompiled('server.js')
