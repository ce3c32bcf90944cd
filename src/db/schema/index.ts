export * from './audit.js'
export * from './employees.js'
export * from './enquiries.js'
export * from './privacy.js'
