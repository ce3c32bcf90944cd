import { useEffect, useId, useRef, useState } from 'react'
import { Alert } from '../../components/alert'

interface SecretRevealProps {
  /** What the secret signs for, e.g. the endpoint's URL. */
  url: string
  secret: string
  /** Hides the secret for good: it is not kept anywhere else. */
  onDone: () => void
}

/**
 * The signing secret, the one time the API shows it: with a copy button, and said plainly that it
 * will not be shown again. It takes focus when it appears, so nobody misses it.
 */
export function SecretReveal({ url, secret, onDone }: SecretRevealProps) {
  const headingId = useId()
  const inputId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const [copied, setCopied] = useState<'yes' | 'failed'>()

  useEffect(() => heading.current?.focus(), [])

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('yes')
    } catch {
      input.current?.select()
      setCopied('failed')
    }
  }

  return (
    <section aria-labelledby={headingId} className="card secret-reveal">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Signing secret for {url}
      </h2>
      <p className="secret-warning">
        Copy it now and give it to the receiver: it will not be shown again. If it is lost, rotate
        the secret to get a new one.
      </p>
      <div className="field">
        <label htmlFor={inputId}>Signing secret</label>
        <input
          id={inputId}
          ref={input}
          className="secret-value"
          readOnly
          value={secret}
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
      </div>
      <div className="button-row spaced">
        <button type="button" onClick={copy}>
          Copy the secret
        </button>
        <button type="button" className="button-secondary" onClick={onDone}>
          Done: I have stored it
        </button>
      </div>
      <div aria-live="polite">
        {copied === 'yes' && <Alert tone="success">Copied to the clipboard.</Alert>}
        {copied === 'failed' && (
          <Alert tone="info">
            The browser did not allow copying: the secret is selected, copy it with the keyboard.
          </Alert>
        )}
      </div>
    </section>
  )
}
