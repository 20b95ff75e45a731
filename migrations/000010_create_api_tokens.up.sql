-- API tokens: an organisation's owners create them for integrations (GRC tools, BI) that read the
-- organisation's assessments through the read-only JSON API (docs/api.md). The token is shown once;
-- only its SHA-256 is stored, with its first characters (hint) so that owners can recognise it.
CREATE TABLE api_tokens (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash      bytea NOT NULL UNIQUE,
    hint            text NOT NULL,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    expires_at      timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_tokens_org_idx ON api_tokens (organisation_id, created_at DESC);

-- The API lists an organisation's assessments in creation order, a page at a time.
CREATE INDEX assessments_org_created_idx ON assessments (organisation_id, created_at, id);
