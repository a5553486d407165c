/**
 * The secure-send policy document: one JSON shape for every layer (built-in default, the
 * person's preferences, the machine-wide managed policy). A layer file may set any subset; the
 * effective policy is always complete. Unknown keys are errors, so a typo in a managed policy
 * stops sending with the exact path instead of being ignored.
 *
 * The published JSON Schema (resources/policy/sinetti-policy.schema.json) is generated from
 * these definitions (`npm run policy:schema`); a test keeps the file equal to the code. Shared, so
 * the settings view shows the same shape the services enforce.
 */
import { z } from 'zod';

/** From loosest to strictest: when rules disagree, the later one in this list wins. */
export const vocabularyTermSchema = z
  .object({
    id: z.string().min(1).max(100),
    fi: z.array(z.string().min(2).max(100)).default([]),
    sv: z.array(z.string().min(2).max(100)).default([]),
    en: z.array(z.string().min(2).max(100)).default([]),
    compound: z.boolean().default(false),
  })
  .strict();

/** Vocabulary as data: forms ending in '*' are stems (see resources/vocabularies/sensitive-terms.json). */
export const vocabularyCategorySchema = z
  .object({
    id: z.string().min(1).max(100),
    terms: z.array(vocabularyTermSchema),
    contextual: z
      .boolean()
      .optional()
      .describe('Words that also name everyday things (a decision, a reminder, an application): they count only with client context near them.'),
  })
  .strict();
export type VocabularyCategory = z.output<typeof vocabularyCategorySchema>;

export const ACTIONS = ['allow', 'justify', 'gateway', 'encrypt', 'block'] as const;
export const actionSchema = z
  .enum(ACTIONS)
  .describe(
    'allow: may leave as plain mail. justify: may leave as plain mail only after a written reason (audited). gateway: OpenPGP where the recipient has an accepted key, the secure-mail gateway for the rest. encrypt: OpenPGP end to end; every recipient needs an accepted key. block: must not leave.',
  );
export type Action = z.infer<typeof actionSchema>;

export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export const confidenceSchema = z.enum(CONFIDENCES);

const domainList = z.array(z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'a lower-case domain name such as kunta.fi')).max(1000);

const detectorSetting = z.object({ enabled: z.boolean(), minConfidence: confidenceSchema }).strict();
const recipientActions = z.object({ internal: actionSchema, partner: actionSchema, external: actionSchema }).strict();

/** Every field, as the effective policy has them. */
export const policySchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    organisation: z.object({ name: z.string().max(200) }).strict(),
    domains: z
      .object({
        internal: domainList.describe('Mail to these domains (and their subdomains) stays inside the organisation.'),
        partner: domainList.describe('Partners reached over enforced TLS, e.g. other wellbeing services counties.'),
      })
      .strict(),
    detectors: z
      .object({
        identityCode: detectorSetting,
        businessId: detectorSetting,
        iban: detectorSetting,
        icd10: detectorSetting,
        sensitiveTerms: detectorSetting
          .extend({
            categories: z
              .array(z.string().min(1))
              .describe('Vocabulary categories in use (built-in: social-services, health, conditions, document-type; plus any added).'),
          })
          .strict(),
      })
      .strict(),
    vocabularies: z.object({ add: z.array(vocabularyCategorySchema).max(100) }).strict(),
    attachments: z
      .object({
        notScanned: z
          .enum(['sensitive', 'sensitive-outside', 'not-sensitive'])
          .describe('How an attachment that cannot be read (image, encrypted, archive) counts.'),
        maxSizeMb: z.number().int().min(1).max(100),
      })
      .strict(),
    actions: z.object({ sensitive: recipientActions, notSensitive: recipientActions }).strict(),
    gateway: z
      .object({
        enabled: z.boolean(),
        method: z.enum(['suffix', 'subject-tag', 'header']),
        suffix: z.string().regex(/^\.[a-z0-9-]{1,20}$/),
        subjectTag: z.string().min(1).max(40),
        header: z.object({ name: z.string().regex(/^[A-Za-z0-9-]{1,76}$/), value: z.string().max(200) }).strict(),
        mobileNumber: z.enum(['off', 'optional', 'required']).describe("Whether the sender may or must give the recipient's mobile number for an SMS PIN."),
        mobileHeader: z.string().regex(/^[A-Za-z0-9-]{1,76}$/),
      })
      .strict(),
    justification: z.object({ minLength: z.number().int().min(10).max(2000) }).strict(),
    sending: z
      .object({
        senderHeader: z.boolean().describe('When someone sends as a team mailbox, record the person in a Sender header.'),
      })
      .strict(),
    // Team handling (issue 11): response-time limits on the team lead's board and what a new-mail notification may show.
    teamWork: z
      .object({
        firstResponseWorkingDays: z
          .number()
          .int()
          .min(1)
          .max(30)
          .describe(
            'A first response is due within this many working days (Helsinki time, Finnish public holidays, Midsummer and Christmas Eve off); later messages are highlighted on the board.',
          ),
        notificationDetails: z
          .enum(['none', 'sender', 'sender-and-subject'])
          .describe(
            'What a desktop notification of new team mail shows of a message that is not secured. A secured (encrypted) message never shows its sender or subject.',
          ),
      })
      .strict(),
    crypto: z
      .object({
        passphraseRequired: z.boolean(),
        unlockMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
        wkd: z.boolean().describe("Look correspondents' keys up in their domain's Web Key Directory (advanced, then direct method)."),
        keyserver: z
          .union([z.literal(false), z.url({ protocol: /^https$/ })])
          .describe('A VKS keyserver (keys.openpgp.org protocol) to look keys up in, https only; false: none. Asked only when WKD finds nothing.'),
      })
      .strict(),
    audit: z
      .object({
        pseudonymKey: z
          .string()
          .regex(/^(?:[A-Za-z0-9+/]{43,}={0,2})?$/, 'base64 of at least 32 bytes, or empty')
          .describe(
            "The organisation's key (base64, at least 32 bytes) for the keyed hashes of client identity codes and addresses in the audit trail; the registrar looks clients up with the same key. Empty: a key of this workstation's own.",
          ),
        checkpointEvery: z.number().int().min(10).max(100_000).describe('A signed checkpoint after this many audit records.'),
        checkpointMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .describe('…and after this many minutes with new records.'),
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(20 * 366)
          .describe('How long records stay on the workstation after every destination confirmed them.'),
        syslog: z
          .object({
            host: z.string().max(253).describe('RFC 5424 syslog over TLS (RFC 5425) receiver; empty: none.'),
            port: z.number().int().min(1).max(65535),
            caPem: z
              .string()
              .max(64 * 1024)
              .describe("Extra CA certificate (PEM) for the receiver's certificate; empty: the system roots."),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

/**
 * A layer: the same shape with every field optional, at every depth. Written out (not derived)
 * so the error messages and the JSON Schema name the same paths as the full policy.
 */
export const policyLayerSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    organisation: policySchema.shape.organisation.partial().optional(),
    domains: policySchema.shape.domains.partial().optional(),
    detectors: z
      .object({
        identityCode: detectorSetting.partial().optional(),
        businessId: detectorSetting.partial().optional(),
        iban: detectorSetting.partial().optional(),
        icd10: detectorSetting.partial().optional(),
        sensitiveTerms: policySchema.shape.detectors.shape.sensitiveTerms.partial().optional(),
      })
      .strict()
      .optional(),
    vocabularies: policySchema.shape.vocabularies.partial().optional(),
    attachments: policySchema.shape.attachments.partial().optional(),
    actions: z.object({ sensitive: recipientActions.partial().optional(), notSensitive: recipientActions.partial().optional() }).strict().optional(),
    gateway: policySchema.shape.gateway.extend({ header: policySchema.shape.gateway.shape.header.partial() }).partial().optional(),
    justification: policySchema.shape.justification.partial().optional(),
    crypto: policySchema.shape.crypto.partial().optional(),
    sending: policySchema.shape.sending.partial().optional(),
    teamWork: policySchema.shape.teamWork.partial().optional(),
    audit: policySchema.shape.audit.extend({ syslog: policySchema.shape.audit.shape.syslog.partial().optional() }).partial().optional(),
  })
  .strict();
export type PolicyLayer = z.infer<typeof policyLayerSchema>;

/**
 * The built-in default: safe without any configuration. Every domain is external, every
 * detector is on, anything sensitive needs OpenPGP (there is no gateway until IT configures one),
 * and an attachment that cannot be read counts as sensitive when it leaves the organisation.
 */
export const BUILTIN_POLICY: Policy = {
  version: 1,
  organisation: { name: '' },
  domains: { internal: [], partner: [] },
  detectors: {
    identityCode: { enabled: true, minConfidence: 'medium' },
    businessId: { enabled: false, minConfidence: 'medium' },
    iban: { enabled: true, minConfidence: 'medium' },
    icd10: { enabled: true, minConfidence: 'high' },
    sensitiveTerms: { enabled: true, minConfidence: 'medium', categories: ['social-services', 'health', 'conditions', 'document-type'] },
  },
  vocabularies: { add: [] },
  attachments: { notScanned: 'sensitive-outside', maxSizeMb: 25 },
  actions: {
    sensitive: { internal: 'encrypt', partner: 'encrypt', external: 'encrypt' },
    notSensitive: { internal: 'allow', partner: 'allow', external: 'allow' },
  },
  gateway: {
    enabled: false,
    method: 'suffix',
    suffix: '.s',
    subjectTag: '[turva]',
    header: { name: 'X-Sinetti-Secure', value: 'gateway' },
    mobileNumber: 'optional',
    mobileHeader: 'X-Sinetti-Mobile',
  },
  justification: { minLength: 20 },
  // Lookups: WKD asks the correspondent's own domain; a keyserver is a third party, so IT turns it on.
  crypto: { passphraseRequired: false, unlockMinutes: 30, wkd: true, keyserver: false },
  sending: { senderHeader: true },
  // One working day is what Finnish social services promise for a first response; notifications say only that mail came.
  teamWork: { firstResponseWorkingDays: 1, notificationDetails: 'none' },
  audit: {
    pseudonymKey: '',
    checkpointEvery: 1000,
    checkpointMinutes: 60,
    retentionDays: 730,
    syslog: { host: '', port: 6514, caPem: '' },
  },
};

export const policyLayerNameSchema = z.enum(['builtin', 'managed', 'user']);

/** What the settings view shows: the managed file's state and the effective policy with its sources. */
export const policyStateSchema = z.object({
  managed: z.discriminatedUnion('status', [
    z.object({ status: z.literal('none') }),
    z.object({ status: z.literal('absent'), path: z.string() }),
    z.object({ status: z.literal('ok'), path: z.string(), layer: policyLayerSchema }),
    z.object({ status: z.literal('invalid'), path: z.string(), problems: z.array(z.string()) }),
  ]),
  effective: z
    .object({
      policy: policySchema,
      sources: z.record(z.string(), policyLayerNameSchema),
      ignored: z.array(z.object({ path: z.string(), reason: z.enum(['looser', 'managed-only']) })),
    })
    .nullable(),
  /** The person's own layer as stored (including values that were not applied). */
  preferences: policyLayerSchema,
});
export type PolicyStateView = z.infer<typeof policyStateSchema>;

/** Readable problems: `detectors.identityCode.minConfidence: expected one of low, medium, high`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys')
      return `${path === '(top level)' ? '' : `${path}: `}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path}: ${issue.message}`;
  });
}
