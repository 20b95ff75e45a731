-- Instance-wide settings (e.g. whether public sign-up is open), edited by site administrators.
CREATE TABLE instance_settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
