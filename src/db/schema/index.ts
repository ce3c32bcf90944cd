export * from './employees.js'
export * from './enquiries.js'
export * from './routing.js'
export * from './settings.js'
