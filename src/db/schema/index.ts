export * from './employees.js'
export * from './enquiries.js'
export * from './events.js'
