-- listmonk's mail relay, written by `selfhost render --smtp` and run by the one-shot smtp-init
-- service (psql from the db image) after `listmonk --install --idempotent` and before listmonk starts.
-- listmonk keeps its SMTP servers in its database (settings key `smtp`, a JSON array) and its sender
-- in `app.from_email`, not in env. Each row is replaced ONLY while it still holds exactly what
-- listmonk's install wrote (schema.sql of v6.2.0): a server or sender set in Settings, a restored
-- backup or an earlier seed is never overwritten, so re-running this (every `up`) is harmless.
-- The values come from the environment (`.env`, mode 0600) as psql variables, quoted by psql
-- (:'name'): a quote in the password is data, never SQL. Nothing secret is on the command line.
\set ON_ERROR_STOP on
\getenv smtp_host SMTP_SEED_HOST
\getenv smtp_port SMTP_SEED_PORT
\getenv smtp_username SMTP_SEED_USERNAME
\getenv smtp_password SMTP_SEED_PASSWORD
\getenv smtp_tls SMTP_SEED_TLS
\getenv smtp_from SMTP_SEED_FROM

-- The relay as listmonk's one server: listmonk's own field names and default tuning; PLAIN auth
-- (every catalog provider offers it; Go's PlainAuth sends only over TLS) and tls_type STARTTLS
-- (587) or TLS (465), the values listmonk's internal/messenger/email accepts.
UPDATE settings
   SET value = jsonb_build_array(jsonb_build_object(
           'enabled', true, 'host', :'smtp_host', 'port', (:'smtp_port')::int,
           'auth_protocol', 'plain', 'username', :'smtp_username', 'password', :'smtp_password',
           'hello_hostname', '', 'max_conns', 10, 'idle_timeout', '15s', 'wait_timeout', '5s',
           'max_msg_retries', 2, 'msg_retry_delay', '10ms', 'tls_type', :'smtp_tls',
           'tls_skip_verify', false, 'email_headers', '[]'::jsonb, 'from_addresses', '[]'::jsonb)),
       updated_at = NOW()
 WHERE key = 'smtp' AND value = '[{"enabled":true, "host":"smtp.yoursite.com","port":25,"auth_protocol":"cram","username":"username","password":"password","hello_hostname":"","max_conns":10,"idle_timeout":"15s","wait_timeout":"5s","max_msg_retries":2,"msg_retry_delay":"10ms","tls_type":"STARTTLS","tls_skip_verify":false,"email_headers":[], "from_addresses":[]},
          {"enabled":false, "host":"smtp.gmail.com","port":465,"auth_protocol":"login","username":"username@gmail.com","password":"password","hello_hostname":"","max_conns":10,"idle_timeout":"15s","wait_timeout":"5s","max_msg_retries":2,"msg_retry_delay":"10ms","tls_type":"TLS","tls_skip_verify":false,"email_headers":[], "from_addresses":[]}]'::jsonb;

UPDATE settings
   SET value = to_jsonb(:'smtp_from'::text), updated_at = NOW()
 WHERE key = 'app.from_email' AND value = '"listmonk <noreply@listmonk.yoursite.com>"'::jsonb;
