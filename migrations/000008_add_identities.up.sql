-- Accounts linked to an OpenID Connect provider: one row per (issuer, subject), the stable
-- identifier the provider gives a person. An account created by single sign-on has no password
-- (password_hash is empty, which no password matches).
CREATE TABLE user_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user_id ON user_identities (user_id);

-- An owner can require members to sign in with single sign-on (site administrators excepted).
ALTER TABLE organisations ADD COLUMN sso_required boolean NOT NULL DEFAULT false;
