-- Two-step sign-in (TOTP, RFC 6238) for password accounts. The secret is stored encrypted with a
-- key derived from the session key; last_step refuses a code used twice.
ALTER TABLE users
    ADD COLUMN totp_secret     bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step  bigint NOT NULL DEFAULT 0;

-- One-time recovery codes, shown once at enrolment; only their hash is stored.
CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- An owner can require two-step sign-in for every member of the organisation.
ALTER TABLE organisations ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false;
