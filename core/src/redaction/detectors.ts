// Credential and personal-data detectors that need no surrounding name: the formats real secret
// scanners know by their shape (vendor prefixes, PEM armour) and the ones with a checksum (IBAN).
// Each is a TextRule with a cheap `hint` (or `quick`) precheck, so text without the prefix is not scanned for it.
import type { TextRule } from './rules';


// Countries that issue IBANs (SWIFT registry): a random upper-case token passes mod-97 once in 97.
const IBAN_COUNTRIES = new Set(
  ('AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR GT HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK YE').split(' '),
);

/** ISO 13616 mod-97 check of an IBAN written with or without spaces. */
export function ibanValid(value: string): boolean {
  const s = value.replace(/ /g, '');
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s) || !IBAN_COUNTRIES.has(s.slice(0, 2))) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const c = ch.charCodeAt(0);
    const digits = c >= 65 ? String(c - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

function digitsIn(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** International numbers carry 8–15 digits (E.164); fewer is a price or a version, more an id. */
function phoneDigits(match: string): boolean {
  const n = digitsIn(match);
  return n >= 8 && n <= 15;
}

// Prechecks: one scan for the fixed part of each format.
const AWS_ID = /A(?:KIA|SIA|BIA|CCA|3T)/;
const AZURE_KEY_NAME = /AccountKey|SharedAccess/i;
const GITHUB = /gh[pousr]_|github_pat_/;
const GITLAB = /gl(?:pat|dt|rt|ptt|ft|cbt|oas|soat)-/;
const STRIPE = /[sr]k_(?:live|test)_|whsec_/;

export function credentialRules(): TextRule[] {
  return [
    {
      id: 'private-key',
      kind: 'private-key',
      // The whole armoured block; a block cut short (truncated body) loses everything after BEGIN.
      pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/g,
      hint: /PRIVATE KEY/,
    },
    {
      id: 'aws-access-key-id',
      kind: 'credential',
      pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/g,
      hint: AWS_ID,
    },
    { id: 'gcp-api-key', kind: 'credential', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, hint: /AIza/ },
    { id: 'gcp-oauth-token', kind: 'credential', pattern: /(?<![A-Za-z0-9_-])ya29\.[0-9A-Za-z_-]{20,}/g, hint: /ya29\./ },
    {
      id: 'azure-storage-key',
      kind: 'credential',
      // Connection strings and SAS signatures: the key follows its name, so only the value goes.
      pattern: /(?<=(?:AccountKey|SharedAccessKey|SharedAccessSignature)=)[A-Za-z0-9+/%]{20,}={0,2}/gi,
      hint: AZURE_KEY_NAME,
    },
    // Entra ID (Azure AD) client secrets: three characters, a digit, `Q~`, then 31–34 more.
    { id: 'azure-client-secret', kind: 'credential', pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, hint: /Q~/ },
    { id: 'github-token', kind: 'credential', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g, hint: GITHUB },
    { id: 'gitlab-token', kind: 'credential', pattern: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|ft|cbt|oas|soat)-[A-Za-z0-9_-]{20,}/g, hint: GITLAB },
    { id: 'slack-token', kind: 'credential', pattern: /(?<![A-Za-z0-9-])xox[abeoprs]-[0-9A-Za-z-]{10,}/g, hint: /xox/ },
    { id: 'slack-webhook', kind: 'credential', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g, hint: /hooks\.slack\.com/ },
    // Secret and restricted keys, test or live, and webhook signing secrets. Publishable keys
    // (`pk_…`) are meant for browsers and stay.
    { id: 'stripe-key', kind: 'credential', pattern: /(?<![A-Za-z0-9_])(?:[sr]k_(?:live|test)_[0-9A-Za-z]{16,247}|whsec_[0-9A-Za-z]{24,})/g, hint: STRIPE },
    {
      id: 'iban',
      kind: 'iban',
      pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g,
      accept: ibanValid,
      quick: (_t, digits) => digits >= 10,
    },
    {
      id: 'phone',
      kind: 'phone',
      // `+` and a country code, groups split by spaces, dots, dashes or a parenthesised area code;
      // or the North American `(415) 555-0132` / `415-555-0132` / `415.555.0132`.
      pattern: /(?<![\w+.-])(?:\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}|\(?[2-9]\d{2}\)?[ .-]\d{3}[.-]\d{4})(?!\w)/g,
      accept: phoneDigits,
      quick: (_t, digits) => digits >= 8,
    },
  ];
}
