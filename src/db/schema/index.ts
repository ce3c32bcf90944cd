export * from './employees.js'
export * from './enquiries.js'
