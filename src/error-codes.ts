/**
 * Every machine-readable `code` an error response can carry: its HTTP status and the message it
 * is sent with unless the thrower says more. Clients match on the code, never on the message,
 * which may be reworded. docs/api.md lists the same codes (test/error-codes.test.ts keeps the two
 * in step) and the OpenAPI document's error schema enumerates them.
 */
export const errorCodes = {
  // 400
  VALIDATION_FAILED: { status: 400, message: 'Validation failed' },
  INVALID_JSON: { status: 400, message: 'Request body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  NOTHING_TO_CHANGE: {
    status: 400,
    message: 'Nothing to change: send name, role, isActive or maxOpenLeads',
  },
  CURRENT_PASSWORD_INCORRECT: { status: 400, message: 'Current password is incorrect' },
  PASSWORD_UNCHANGED: {
    status: 400,
    message: 'The new password must differ from the current one',
  },
  INVALID_ASSIGNEE: {
    status: 400,
    message: 'The employee to assign must exist and be active',
  },
  // 401
  UNAUTHENTICATED: { status: 401, message: 'Not authorized, please log in' },
  TOKEN_EXPIRED: { status: 401, message: 'Token has expired, please log in again' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  // 403
  ADMIN_ONLY: { status: 403, message: 'Only an admin may do this' },
  REGISTRATION_CLOSED: {
    status: 403,
    message: 'Registration is closed: ask an admin to register you',
  },
  ACCOUNT_DEACTIVATED: { status: 403, message: 'This account has been deactivated' },
  ENQUIRY_NOT_YOURS: { status: 403, message: 'This enquiry belongs to another counselor' },
  // 404
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  ENQUIRY_NOT_FOUND: { status: 404, message: 'Enquiry not found' },
  EMPLOYEE_NOT_FOUND: { status: 404, message: 'Employee not found' },
  ROUTING_RULE_NOT_FOUND: { status: 404, message: 'Routing rule not found' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'Webhook not found' },
  DELIVERY_NOT_FOUND: { status: 404, message: 'Delivery not found' },
  // 408
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  // 409
  EMAIL_TAKEN: { status: 409, message: 'An employee with this email already exists' },
  ENQUIRY_ALREADY_CLAIMED: { status: 409, message: 'Enquiry has already been claimed' },
  ENQUIRY_ALREADY_YOURS: { status: 409, message: 'You have already claimed this enquiry' },
  ENQUIRY_NOT_CLAIMED: { status: 409, message: 'Enquiry is not claimed' },
  ENQUIRY_CLOSED: { status: 409, message: 'Enquiry is closed (converted or lost)' },
  INVALID_STATUS_TRANSITION: { status: 409, message: 'This status change is not allowed' },
  DUPLICATE_OPEN_ENQUIRY: {
    status: 409,
    message: 'Another open enquiry exists for this email or phone number',
  },
  SUBMISSION_CONFLICT: {
    status: 409,
    message: 'The enquiry could not be saved, please submit it again',
  },
  AT_CAPACITY: {
    status: 409,
    message: 'You already hold as many open enquiries as your limit allows',
  },
  CANNOT_CHANGE_SELF: { status: 409, message: 'You cannot deactivate or demote yourself' },
  LAST_ADMIN: {
    status: 409,
    message: 'The last active admin cannot be deactivated or demoted',
  },
  DELIVERY_PENDING: {
    status: 409,
    message: 'This delivery is still pending: its next attempt is already scheduled',
  },
  // 413, 415
  BODY_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type: send application/json' },
  // 429
  RATE_LIMITED: { status: 429, message: 'Too many requests, please try again later' },
  ACCOUNT_LOCKED: {
    status: 429,
    message: 'Too many failed attempts for this account from your address, please try again later',
  },
  // 431
  HEADERS_TOO_LARGE: { status: 431, message: 'Request headers are too large' },
  // 5xx
  INTERNAL_ERROR: { status: 500, message: 'Server Error' },
  SHUTTING_DOWN: { status: 503, message: 'The server is restarting, please try again' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof errorCodes

export const errorCodeNames = Object.keys(errorCodes) as ErrorCode[]

/**
 * The code for an error Fastify raised itself, by its status; a client error none of these
 * describe is a BAD_REQUEST with the status Fastify gave it.
 */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED'
    case 404:
      return 'ROUTE_NOT_FOUND'
    case 408:
      return 'REQUEST_TIMEOUT'
    case 413:
      return 'BODY_TOO_LARGE'
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE'
    case 429:
      return 'RATE_LIMITED'
    case 431:
      return 'HEADERS_TOO_LARGE'
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'
  }
}
