/** The public form's fields, checked as POST /api/enquiries checks them (SubmitEnquiryBody). */
export interface EnquiryFields {
  name: string
  email: string
  phone: string
  courseInterest: string
  message: string
}

export const FIELD_NAMES = ['name', 'email', 'phone', 'courseInterest', 'message'] as const

// The server's PHONE_PATTERN: 7 to 15 digits, an optional leading +, spaces, dashes, dots, brackets.
const PHONE = /^(?=(?:\D*\d){7,15}\D*$)\+?[0-9 ().-]+$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function validateEnquiry(
  fields: EnquiryFields,
): Partial<Record<keyof EnquiryFields, string>> {
  const errors: Partial<Record<keyof EnquiryFields, string>> = {}
  if (fields.name.length < 2) errors.name = 'Please tell us your name (at least 2 characters)'
  else if (fields.name.length > 100) errors.name = 'Please shorten your name to 100 characters'
  if (!EMAIL.test(fields.email) || fields.email.length > 254)
    errors.email = 'Please enter an email address such as name@example.com'
  if (!PHONE.test(fields.phone) || fields.phone.length > 40)
    errors.phone = 'Please enter a phone number with 7 to 15 digits'
  if (fields.courseInterest === '') errors.courseInterest = 'Please choose or name a course'
  else if (fields.courseInterest.length > 100)
    errors.courseInterest = 'Please shorten the course to 100 characters'
  if (fields.message.length > 2000)
    errors.message = 'Please shorten your message to 2000 characters'
  return errors
}

/** The consent checkbox the API names in its field errors (`consent.privacyNotice`). */
export const CONSENT_FIELD = 'consent.privacyNotice'

/** When the deployment requires consent, the privacy notice box must be ticked. */
export function validateConsent(
  required: boolean,
  agreed: boolean,
): Partial<Record<string, string>> {
  return required && !agreed
    ? { [CONSENT_FIELD]: 'Please confirm that you have read the privacy notice' }
    : {}
}
