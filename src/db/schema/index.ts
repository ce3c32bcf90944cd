export * from './employees.js'
