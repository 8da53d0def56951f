// The tenant object as an operator thinks of it: every writable field of PortSIP's v22 tenant,
// grouped, labelled and typed for the form. Names, enums and defaults are PortSIP's.

const flag = (name, label, hint) => ({ name, label, type: 'bool', hint });
const limit = (name, label) => ({ name, label, type: 'int', min: 0 });
const days = (name, label) => ({ name, label, type: 'int', min: 1, unit: 'days' });
const quota = (name, label) => ({
  name, label, type: 'quota', hint: 'Empty for unlimited, or a size such as 500MB or 10GB',
});

const eventFields = [
  flag('enabled', 'Push events'),
  { name: 'url', label: 'URL', type: 'text', optional: true, inputmode: 'url',
    placeholder: 'https://crm.example.com/events' },
  { name: 'auth', label: 'Authentication', type: 'enum',
    values: ['DISABLE', 'BASIC', 'DIGEST', 'BEARER'] },
  { name: 'username', label: 'User name', type: 'text', optional: true,
    hint: 'BASIC and DIGEST: 6 to 64 lower-case letters and digits' },
  { name: 'password', label: 'Password', type: 'secret', optional: true },
  { name: 'token', label: 'Bearer token', type: 'secret', optional: true },
];

// groups lists the fieldsets of the form in order. A group with "object" edits the members
// of that nested object; a group with "editor" edits the field "path" with a custom editor.
export const groups = [
  { id: 'identity', title: 'Identity', fields: [
    { name: 'name', label: 'Name', type: 'text', required: true, maxlength: 1024 },
    { name: 'domain', label: 'SIP domain', type: 'text', required: true,
      hint: 'Host name or IP address, unique across tenants' },
    { name: 'website', label: 'Website', type: 'text', optional: true, inputmode: 'url',
      placeholder: 'https://example.com' },
    flag('enabled', 'Enabled', "A disabled tenant's users cannot sign in"),
  ] },
  { id: 'locale', title: 'Locale', fields: [
    { name: 'timezone', label: 'Time zone', type: 'text', required: true, list: 'timezones',
      placeholder: 'Europe/Zurich' },
    { name: 'currency', label: 'Currency', type: 'text', required: true, list: 'currencies',
      placeholder: 'CHF', hint: 'ISO 4217 code' },
    { name: 'region', label: 'Region', type: 'text', required: true, placeholder: 'CHE',
      hint: 'ISO 3166-1 alpha-3 country code' },
  ] },
  { id: 'features', title: 'Features', fields: [
    flag('enable_audio_recording', 'Audio recording'),
    flag('enable_video_recording', 'Video recording'),
    flag('enable_dual_track_recording', 'Dual-track recording'),
    flag('enable_billing', 'Billing'),
    flag('enable_feature_billing', 'Billing feature'),
    flag('enable_feature_call_statistics', 'Call statistics'),
    flag('enable_feature_contact_center', 'Contact center'),
    flag('enable_feature_message_channels', 'Message channels'),
    flag('enable_feature_microsoft_teams', 'Microsoft Teams'),
    flag('enable_feature_trunks', 'Trunks'),
    flag('enable_feature_whats_app', 'WhatsApp'),
    flag('enable_night_mode', 'Night mode'),
    flag('enable_two_factor_authentication', 'Two-factor authentication'),
  ] },
  { id: 'limits', title: 'Limits', fields: [
    limit('max_extensions', 'Extensions'),
    limit('max_concurrent_calls', 'Concurrent calls'),
    limit('max_ring_groups', 'Ring groups'),
    limit('max_virtual_receptionists', 'Virtual receptionists'),
    limit('max_call_queues', 'Call queues'),
    limit('max_conference_rooms', 'Conference rooms'),
  ] },
  { id: 'storage', title: 'Storage and retention', fields: [
    quota('disk_quota', 'Disk quota'),
    quota('im_disk_quota', 'Chat storage quota'),
    quota('extension_im_disk_quota', 'Chat quota per extension'),
    days('recording_retention', 'Keep recordings'),
    days('call_report_retention', 'Keep call reports'),
    days('log_retention', 'Keep logs'),
    days('temp_file_retention', 'Keep temporary files'),
  ] },
  { id: 'office_hours', path: 'office_hours', title: 'Office hours', editor: 'officeHours' },
  { id: 'e164', title: 'E.164 numbers', object: 'e164', fields: [
    flag('enabled', 'Convert numbers to E.164'),
    { name: 'international_code', label: 'International prefix', type: 'text', optional: true,
      placeholder: '00' },
    { name: 'country', label: 'Country code', type: 'text', optional: true, placeholder: '41' },
    { name: 'area_code', label: 'Area code', type: 'text', optional: true },
    { name: 'national_code', label: 'National prefix', type: 'text', optional: true,
      placeholder: '0' },
    { name: 'prefix', label: 'Prefix', type: 'text', optional: true },
    flag('remove_special_chars', 'Remove special characters'),
    flag('remove_duplicate_countries', 'Remove duplicate country codes'),
    flag('remove_duplicate_area_codes', 'Remove duplicate area codes'),
  ] },
  { id: 'cdr_event', title: 'Call record push', object: 'cdr_event', fields: eventFields },
  { id: 'extension_event', title: 'Extension event push', object: 'extension_event',
    fields: eventFields },
  { id: 'contacts', title: 'Contact matching', fields: [
    { name: 'contact_match_type', label: 'Match', type: 'enum',
      values: ['DISABLE', 'MATCH_EXACTLY', 'MATCH_LENGTH'] },
    { name: 'contact_match_length', label: 'Match length', type: 'int', min: 0,
      unit: 'digits' },
    { name: 'contact_append_type', label: 'Add new contacts', type: 'enum',
      values: ['DISABLE', 'APPEND', 'PREPEND'] },
    { name: 'contact_update_interval', label: 'Update every', type: 'int', min: 1,
      max: 43200, unit: 'minutes' },
  ] },
  { id: 'notifications', title: 'Notifications and security', fields: [
    { name: 'email_recipients', label: 'E-mail recipients', type: 'text', optional: true,
      hint: 'Addresses separated by commas' },
    flag('password_force_reset', 'Force users to change their password'),
  ] },
  { id: 'caller_ids', path: 'outbound_caller_ids', title: 'Outbound caller IDs',
    editor: 'callerIDs' },
  { id: 'custom', title: 'Custom options', fields: [
    { name: 'custom_options', label: 'Custom options (JSON)', type: 'json', optional: true },
  ] },
];

export const weekdays = [
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
];

const workday = () => ({ enabled: true, ranges: [{ from: '09:00', to: '18:00' }] });
const dayOff = () => ({ enabled: false, ranges: [] });
const event = () => ({
  enabled: false, auth: 'DISABLE', username: null, password: null, token: null, url: null,
});

// newTenant returns the settings a tenant starts with: PortSIP's defaults, and tenantd's
// Monday-to-Friday office hours.
export function newTenant() {
  return {
    name: '', domain: '', website: null, enabled: true,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || '', currency: '', region: '',
    enable_video_recording: false, enable_audio_recording: false,
    enable_dual_track_recording: false, enable_billing: false, enable_feature_billing: false,
    enable_feature_call_statistics: true, enable_feature_contact_center: true,
    enable_feature_message_channels: true, enable_feature_microsoft_teams: true,
    enable_feature_trunks: true, enable_feature_whats_app: true, enable_night_mode: false,
    enable_two_factor_authentication: false,
    custom_options: null,
    max_extensions: 1000, max_concurrent_calls: 20, max_ring_groups: 20,
    max_virtual_receptionists: 20, max_call_queues: 20, max_conference_rooms: 20,
    disk_quota: '', im_disk_quota: '', extension_im_disk_quota: '1GB',
    recording_retention: 180, call_report_retention: 30, log_retention: 180,
    temp_file_retention: 30,
    outbound_caller_ids: [],
    office_hours: {
      monday: workday(), tuesday: workday(), wednesday: workday(), thursday: workday(),
      friday: workday(), saturday: dayOff(), sunday: dayOff(),
    },
    e164: {
      enabled: false, international_code: null, country: null, area_code: null,
      national_code: null, prefix: null, remove_special_chars: false,
      remove_duplicate_countries: true, remove_duplicate_area_codes: true,
    },
    cdr_event: event(),
    extension_event: event(),
    contact_match_type: 'MATCH_EXACTLY', contact_match_length: 0,
    contact_append_type: 'APPEND', contact_update_interval: 720,
    email_recipients: null, password_force_reset: false,
  };
}
