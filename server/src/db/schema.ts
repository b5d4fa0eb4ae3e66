/**
 * The portal's tables as Kysely sees them (`Kysely<DB>`), column for column
 * as migrations/ create them on both databases. Times are integer
 * milliseconds since the epoch; flags are INTEGER 0/1; JSON is TEXT.
 * `Generated<T>` marks a column with a default (or an identity) that an
 * insert may leave out.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string | null;
  disabled: Generated<number>;
  require_mfa: Generated<number>;
  created_at: number;
  password_changed_at: number | null;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  location: string | null;
  job_title: string | null;
  department: string | null;
  manager: string | null;
  employee_id: string | null;
  cost_center: string | null;
  start_date: string | null;
  photo_url: string | null;
  locked_fields: Generated<string>;
}

export interface AppsTable {
  id: string;
  kind: Generated<string>;
  url: string | null;
  name: string;
  description: string | null;
  icon_url: string | null;
  category: string | null;
  requires_mfa: Generated<number>;
  mfa_max_age_seconds: number | null;
  client_id: string | null;
  client_secret: string | null;
  redirect_uris: Generated<string>;
  post_logout_redirect_uris: Generated<string>;
  initiate_login_uri: string | null;
  target_link_uris: Generated<string>;
  details_url: string | null;
  created_at: number;
}

export interface AppAssignmentsTable {
  app_id: string;
  user_id: string;
  created_at: number;
}

export interface TotpCredentialsTable {
  user_id: string;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: Generated<number>;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface LoginFailuresTable {
  subject: string;
  failures: number;
  first_failure_at: number;
  last_failure_at: number;
  locked_until: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  event: string;
  user_id: string | null;
  email: string | null;
  app_id: string | null;
  ip: string | null;
  details: Generated<string>;
}

export interface LaunchTicketsTable {
  id_hash: string;
  user_id: string;
  app_id: string;
  target_link_uri: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  acr: string | null;
  amr: string | null;
  auth_time: number | null;
}

export interface OidcStoreTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  expires_at: number | null;
  consumed: number | null;
}

export interface SessionMetaTable {
  session_uid: string;
  user_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
}

export interface InteractionProgressTable {
  uid: string;
  csrf: string;
  email: string | null;
  user_id: string | null;
  password_verified: Generated<number>;
  second_factor_verified: Generated<number>;
  expires_at: number;
}

export interface SshKeysTable {
  id: string;
  user_id: string;
  name: string;
  type: string;
  bits: number;
  fingerprint: string;
  public_key: string;
  created_at: number;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PasswordResetRequestsTable {
  id: Generated<number>;
  email_hash: string;
  ip: string | null;
  at: number;
}

export interface DownloadsTable {
  id: string;
  name: string;
  os: 'windows' | 'macos' | 'linux';
  arch: 'x64' | 'arm64' | 'universal';
  version: string;
  file_name: string | null;
  url: string | null;
  sha256: string;
  size_bytes: number;
  sort_order: Generated<number>;
}

export interface ProviderKeysTable {
  name: string;
  value: string;
  created_at: number;
}

export interface WebauthnCredentialsTable {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string;
  backed_up: number;
  aaguid: string;
  attachment: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebauthnChallengesTable {
  id: string;
  purpose: string;
  user_id: string | null;
  challenge: string;
  name: string | null;
  expires_at: number;
}

export interface ApproverDevicesTable {
  id: string;
  user_id: string;
  name: string;
  public_key_jwk: string;
  created_at: number;
  last_used_at: number | null;
}

export type PushChallengeState =
  | 'pending'
  | 'approved'
  | 'denied'
  | 'reported'
  | 'wrong_number'
  | 'withdrawn'
  | 'used';

export interface PushChallengesTable {
  id: string;
  user_id: string;
  interaction_uid: string;
  number: number;
  choices: string;
  app_name: string | null;
  browser: string | null;
  ip: string | null;
  created_at: number;
  expires_at: number;
  state: Generated<PushChallengeState>;
  device_id: string | null;
  answered_at: number | null;
}

export interface SamlServiceProvidersTable {
  app_id: string;
  entity_id: string;
  acs_urls: string;
  name_id_format: string;
  attributes: string;
  created_at: number;
}

export interface SamlRequestsTable {
  id_hash: string;
  app_id: string;
  request_id: string;
  acs_url: string;
  relay_state: string | null;
  force_authn: number;
  wants_mfa: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: number;
}

/** Every table of the portal. */
export interface DB {
  users: UsersTable;
  apps: AppsTable;
  app_assignments: AppAssignmentsTable;
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  launch_tickets: LaunchTicketsTable;
  oidc_store: OidcStoreTable;
  session_meta: SessionMetaTable;
  interaction_progress: InteractionProgressTable;
  ssh_keys: SshKeysTable;
  password_resets: PasswordResetsTable;
  password_reset_requests: PasswordResetRequestsTable;
  downloads: DownloadsTable;
  provider_keys: ProviderKeysTable;
  webauthn_credentials: WebauthnCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  approver_devices: ApproverDevicesTable;
  push_challenges: PushChallengesTable;
  saml_service_providers: SamlServiceProvidersTable;
  saml_requests: SamlRequestsTable;
  schema_migrations: SchemaMigrationsTable;
}
