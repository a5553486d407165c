/**
 * The names of the managed configuration's sections and settings in Finnish, Swedish and
 * English, for the ADMX/ADML templates, the reference page and the settings view. Typed by the
 * schema: a setting without its three names does not compile.
 */
import type { SectionId, SettingKey } from './managed-config-schema.js';

export type Texts = readonly [fi: string, sv: string, en: string];
export const TEXT_LANGUAGES = ['fi', 'sv', 'en'] as const;

export const SECTION_TITLES: Record<SectionId, Texts> = {
  ui: ['Käyttöliittymä', 'Användargränssnitt', 'User interface'],
  accounts: ['Tilit ja palvelinasetukset', 'Konton och serverinställningar', 'Accounts and server presets'],
  teams: ['Tiimipostilaatikot', 'Teambrevlådor', 'Team mailboxes'],
  oauth: ['OAuth2-tenantti', 'OAuth2-klientorganisation', 'OAuth2 tenant'],
  audit: ['Lokitiedot ja organisaation avaimet', 'Granskningsspår och organisationens nycklar', 'Audit destinations and organisation keys'],
  idleLock: ['Lukitus käyttämättömänä', 'Låsning vid inaktivitet', 'Idle lock'],
  updates: ['Päivitykset', 'Uppdateringar', 'Updates'],
  features: ['Sallitut toiminnot', 'Tillåtna funktioner', 'Allowed features'],
  logging: ['Lokitus', 'Loggning', 'Logging'],
  policy: ['Turvallisen lähettämisen käytäntö', 'Policy för säker sändning', 'Secure-send policy'],
};

const detector = (fi: string, sv: string, en: string) =>
  ({
    enabled: [`${fi}: käytössä`, `${sv}: på`, `${en}: on`],
    minConfidence: [`${fi}: pienin varmuus`, `${sv}: minsta säkerhet`, `${en}: minimum confidence`],
  }) as const satisfies Record<string, Texts>;

const ic = detector('Henkilötunnukset', 'Personbeteckningar', 'Identity codes');
const bi = detector('Y-tunnukset', 'FO-nummer', 'Business IDs');
const ib = detector('IBAN-tilinumerot', 'IBAN-kontonummer', 'IBANs');
const icd = detector('ICD-10-koodit', 'ICD-10-koder', 'ICD-10 codes');
const st = detector('Arkaluonteiset termit', 'Känsliga termer', 'Sensitive terms');

export const SETTING_TITLES: Record<SettingKey, Texts> = {
  'ui.locale': ['Käyttöliittymän kieli', 'Gränssnittets språk', 'Interface language'],
  'accounts.presets': ['Valmiit tilit (JSON-luettelo)', 'Färdiga konton (JSON-lista)', 'Account presets (JSON list)'],
  'teams.mailboxes': ['Tiimipostilaatikot (JSON-luettelo)', 'Teambrevlådor (JSON-lista)', 'Team mailboxes (JSON list)'],
  'oauth.issuer': ['OAuth2-myöntäjän osoite (https)', 'OAuth2-utfärdarens adress (https)', 'OAuth2 issuer URL (https)'],
  'oauth.tenantId': ['Tenantin tunnus', 'Klientorganisationens ID', 'Tenant ID'],
  'oauth.clientId': ['Sovelluksen (client) tunnus', 'Programmets (klient-) ID', 'Application (client) ID'],
  'oauth.scopes': ['Pyydettävät oikeudet (scopes)', 'Begärda behörigheter (scopes)', 'Requested scopes'],
  'audit.imapFolder': ['Lokitietojen IMAP-kansio', 'IMAP-mapp för granskningsspåret', 'Audit IMAP folder'],
  'audit.syslog.host': ['Lokitietojen syslog-palvelin (TLS)', 'Syslog-server för granskningsspåret (TLS)', 'Audit syslog host (TLS)'],
  'audit.syslog.port': ['Lokitietojen syslog-portti', 'Syslog-port för granskningsspåret', 'Audit syslog port'],
  'audit.organisationKeys': ['Organisaation julkiset OpenPGP-avaimet', 'Organisationens publika OpenPGP-nycklar', "Organisation's public OpenPGP keys"],
  'idleLock.minutes': [
    'Lukitse, kun käyttämättä (minuuttia, 0 = ei koskaan)',
    'Lås efter inaktivitet (minuter, 0 = aldrig)',
    'Lock when idle (minutes, 0 = never)',
  ],
  'updates.enabled': ['Päivitykset sallittu', 'Uppdateringar tillåtna', 'Updates allowed'],
  'updates.mode': ['Päivitystapa (ilmoitus tai automaattinen)', 'Uppdateringssätt (meddelande eller automatiskt)', 'Update mode (notify or automatic)'],
  'updates.channel': ['Päivityskanava', 'Uppdateringskanal', 'Update channel'],
  'updates.url': ['Päivityspalvelimen osoite (https)', 'Uppdateringsserverns adress (https)', 'Update server URL (https)'],
  'features.addAccounts': ['Omien tilien lisääminen sallittu', 'Tillåt att lägga till egna konton', 'Adding own accounts allowed'],
  'logging.level': ['Lokitaso', 'Loggnivå', 'Log level'],
  'logging.syslog.host': ['Sovelluslokin syslog-palvelin (TLS)', 'Syslog-server för programloggen (TLS)', 'Application log syslog host (TLS)'],
  'logging.syslog.port': ['Sovelluslokin syslog-portti', 'Syslog-port för programloggen', 'Application log syslog port'],
  'policy.organisation.name': ['Organisaation nimi', 'Organisationens namn', 'Organisation name'],
  'policy.domains.internal': ['Sisäiset verkkotunnukset', 'Interna domäner', 'Internal domains'],
  'policy.domains.partner': ['Kumppanien verkkotunnukset', 'Partnerdomäner', 'Partner domains'],
  'policy.detectors.identityCode.enabled': ic.enabled,
  'policy.detectors.identityCode.minConfidence': ic.minConfidence,
  'policy.detectors.businessId.enabled': bi.enabled,
  'policy.detectors.businessId.minConfidence': bi.minConfidence,
  'policy.detectors.iban.enabled': ib.enabled,
  'policy.detectors.iban.minConfidence': ib.minConfidence,
  'policy.detectors.icd10.enabled': icd.enabled,
  'policy.detectors.icd10.minConfidence': icd.minConfidence,
  'policy.detectors.sensitiveTerms.enabled': st.enabled,
  'policy.detectors.sensitiveTerms.minConfidence': st.minConfidence,
  'policy.detectors.sensitiveTerms.categories': ['Arkaluonteiset termit: luokat', 'Känsliga termer: kategorier', 'Sensitive terms: categories'],
  'policy.vocabularies.add': ['Lisäsanastot (JSON-luettelo)', 'Tilläggsordlistor (JSON-lista)', 'Added vocabularies (JSON list)'],
  'policy.attachments.notScanned': ['Lukukelvoton liite lasketaan', 'En bilaga som inte kan läsas räknas som', 'An attachment that cannot be read counts as'],
  'policy.attachments.maxSizeMb': ['Liitteiden enimmäiskoko (Mt)', 'Bilagornas maxstorlek (MB)', 'Maximum attachment size (MB)'],
  'policy.actions.sensitive.internal': ['Arkaluonteinen, sisäinen vastaanottaja', 'Känsligt, intern mottagare', 'Sensitive, internal recipient'],
  'policy.actions.sensitive.partner': ['Arkaluonteinen, kumppani', 'Känsligt, partner', 'Sensitive, partner'],
  'policy.actions.sensitive.external': ['Arkaluonteinen, ulkoinen vastaanottaja', 'Känsligt, extern mottagare', 'Sensitive, external recipient'],
  'policy.actions.notSensitive.internal': ['Tavallinen, sisäinen vastaanottaja', 'Vanligt, intern mottagare', 'Not sensitive, internal recipient'],
  'policy.actions.notSensitive.partner': ['Tavallinen, kumppani', 'Vanligt, partner', 'Not sensitive, partner'],
  'policy.actions.notSensitive.external': ['Tavallinen, ulkoinen vastaanottaja', 'Vanligt, extern mottagare', 'Not sensitive, external recipient'],
  'policy.gateway.enabled': ['Turvapostiyhdyskäytävä käytössä', 'Säker e-postgateway på', 'Secure-mail gateway on'],
  'policy.gateway.method': ['Yhdyskäytävän ohjaustapa', 'Gatewayens styrsätt', 'Gateway routing method'],
  'policy.gateway.suffix': ['Yhdyskäytävän osoitepääte', 'Gatewayens adressuffix', 'Gateway address suffix'],
  'policy.gateway.subjectTag': ['Yhdyskäytävän aihetunniste', 'Gatewayens ämnesmärkning', 'Gateway subject tag'],
  'policy.gateway.header.name': ['Yhdyskäytävän otsakkeen nimi', 'Gatewayens rubriknamn', 'Gateway header name'],
  'policy.gateway.header.value': ['Yhdyskäytävän otsakkeen arvo', 'Gatewayens rubrikvärde', 'Gateway header value'],
  'policy.gateway.mobileNumber': ['Vastaanottajan matkapuhelinnumero', 'Mottagarens mobilnummer', "Recipient's mobile number"],
  'policy.gateway.mobileHeader': ['Matkapuhelinnumeron otsake', 'Rubrik för mobilnumret', 'Mobile number header'],
  'policy.justification.minLength': ['Perustelun vähimmäispituus', 'Motiveringens minsta längd', 'Minimum justification length'],
  'policy.sending.senderHeader': [
    'Tiimin nimissä lähettäjä Sender-otsakkeeseen',
    'Avsändaren i Sender-rubriken vid sändning som team',
    'Record the person in Sender when sending as a team',
  ],
  'policy.crypto.passphraseRequired': ['Avaimille tunnuslause pakollinen', 'Lösenfras krävs för nycklar', 'Passphrase required for keys'],
  'policy.crypto.unlockMinutes': ['Avaimen avaus voimassa (minuuttia)', 'Nyckelns upplåsning gäller (minuter)', 'Key unlock lasts (minutes)'],
  'policy.crypto.wkd': ['Avainten haku WKD:stä', 'Nyckelsökning i WKD', 'Key lookup in WKD'],
  'policy.teamWork.firstResponseWorkingDays': [
    'Ensimmäinen vastaus viimeistään (työpäivää)',
    'Första svar senast (arbetsdagar)',
    'First response within (working days)',
  ],
  'policy.teamWork.notificationDetails': ['Ilmoitusten tiedot uudesta postista', 'Uppgifter i aviseringar om ny post', 'Details in new-mail notifications'],
  'policy.audit.pseudonymKey': [
    'Lokitietojen pseudonymisointiavain (base64)',
    'Pseudonymiseringsnyckel för granskningsspåret (base64)',
    'Audit pseudonym key (base64)',
  ],
  'policy.audit.checkpointEvery': [
    'Allekirjoitettu tarkistuspiste joka N. tapahtuma',
    'Signerad kontrollpunkt var N:e händelse',
    'Signed checkpoint every N records',
  ],
  'policy.audit.checkpointMinutes': [
    'Allekirjoitettu tarkistuspiste vähintään (min välein)',
    'Signerad kontrollpunkt minst (var N:e minut)',
    'Signed checkpoint at least every (minutes)',
  ],
  'policy.audit.retentionDays': ['Lokitietojen säilytysaika (päivää)', 'Granskningsspårets lagringstid (dagar)', 'Audit retention (days)'],
  'policy.audit.syslog.host': ['Lokitietojen syslog-palvelin (TLS)', 'Syslog-server för granskningsspåret (TLS)', 'Audit syslog host (TLS)'],
  'policy.audit.syslog.port': ['Lokitietojen syslog-portti', 'Syslog-port för granskningsspåret', 'Audit syslog port'],
  'policy.audit.syslog.caPem': [
    'Lokitietojen syslog-palvelimen CA-varmenne (PEM)',
    'CA-certifikat för granskningsspårets syslog-server (PEM)',
    'Audit syslog CA certificate (PEM)',
  ],
  'policy.crypto.keyserver': ['Avainpalvelin (https) tai false', 'Nyckelserver (https) eller false', 'Keyserver (https) or false'],
};
