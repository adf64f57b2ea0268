// Traffic text with the sensor's redaction markers (`[REDACTED:email]`) wrapped in <mark>, so a
// reader tells removed values from real ones. Every part stays a Lit text binding.
import { html } from 'lit';
import { splitRedactions } from './body-text';

/** Text with the sensor's redaction markers shown distinctly. */
export function redactedText(text: string): unknown {
  return splitRedactions(text).map((s) =>
    s.redacted !== undefined ? html`<mark class="redacted" title="Redacted by the sensor: ${s.redacted}">${s.text}</mark>` : s.text,
  );
}
