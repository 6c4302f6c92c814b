/**
 * Third-party credentials the app needs; the Kubernetes stack makes the
 * containers (ops put the values), and the infrastructure stack watches
 * their copies in the DR region. Kept apart so that stack need not load the other.
 */
export const THIRD_PARTY_SECRETS = [
  { name: 'llm', description: 'LLM provider key. JSON: {"api-key": "..."}' },
  { name: 'sendgrid', description: 'SendGrid API key. JSON: {"api-key": "..."}' },
  { name: 'twilio', description: 'Twilio credentials. JSON: {"account-sid": "...", "auth-token": "..."}' },
] as const;
