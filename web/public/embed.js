// The CRM's public enquiry form on another site: paste
//   <script src="https://YOUR-CRM/embed.js" async></script>
// where the form should appear. It adds an iframe with /form and keeps it as tall as the form.
// The site must be listed in the CRM's FORM_EMBED_ORIGINS setting.
;(() => {
  const script = document.currentScript
  if (!(script instanceof HTMLScriptElement)) return
  const origin = new URL(script.src).origin
  const frame = document.createElement('iframe')
  frame.src = `${origin}/form`
  frame.title = script.dataset.title || 'Enquiry form'
  frame.style.width = '100%'
  frame.style.maxWidth = '40rem'
  frame.style.border = '0'
  frame.style.height = '720px'
  script.after(frame)
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return
    const height = event.data && event.data.type === 'crm-form:height' ? event.data.height : NaN
    if (Number.isFinite(height) && height > 0) frame.style.height = `${Math.ceil(height) + 2}px`
  })
})()
