-- Accounts: users, organisations and their members, invitations, server-side sessions, password
-- resets, login throttling and the audit log.

CREATE TABLE users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email               text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash       text NOT NULL,
    site_admin          boolean NOT NULL DEFAULT false,
    lang                text NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'fr')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE organisations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('owner', 'editor', 'reviewer', 'viewer')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Invitations are single-use links; only a hash of the token is stored.
CREATE TABLE invitations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash      bytea NOT NULL UNIQUE,
    email           text NOT NULL DEFAULT '',
    role            text NOT NULL CHECK (role IN ('owner', 'editor', 'reviewer', 'viewer')),
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    accepted_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at      timestamptz
);
CREATE INDEX invitations_org_idx ON invitations (organisation_id);

-- Sessions: the cookie carries a signed random ID; only its hash is stored, so a database leak
-- does not leak usable sessions.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    data         jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text NOT NULL DEFAULT '',
    ip           text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- Failed sign-in attempts per key ("ip:…", "account:…"), for throttling with back-off.
CREATE TABLE auth_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL DEFAULT now(),
    blocked_until timestamptz
);

-- Who did what: security-relevant actions and every action of a site administrator.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    action          text NOT NULL,
    details         jsonb NOT NULL DEFAULT '{}',
    ip              text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_org_idx ON audit_log (organisation_id, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
