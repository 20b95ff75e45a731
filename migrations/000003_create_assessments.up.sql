-- Assessments of AI systems, their answers (every change kept in answer_history), the status
-- workflow's events and where each user left off.

CREATE TABLE assessments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_name     text NOT NULL CHECK (length(system_name) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    content_version text NOT NULL,
    profile         jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'approved', 'returned')),
    version         integer NOT NULL DEFAULT 1,
    predecessor_id  uuid REFERENCES assessments (id) ON DELETE SET NULL,
    archived_at     timestamptz,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_org_idx ON assessments (organisation_id, updated_at DESC);

CREATE TABLE answers (
    assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    question_id   text NOT NULL,
    value         text[] NOT NULL DEFAULT '{}',
    comment       text NOT NULL DEFAULT '',
    justification text NOT NULL DEFAULT '',
    evidence      jsonb NOT NULL DEFAULT '[]',
    revision      integer NOT NULL DEFAULT 1,
    updated_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, question_id)
);

CREATE TABLE answer_history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    question_id   text NOT NULL,
    old_answer    jsonb,
    new_answer    jsonb NOT NULL,
    changed_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_history_idx ON answer_history (assessment_id, question_id, changed_at DESC);

CREATE TABLE assessment_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    kind          text NOT NULL,
    from_status   text NOT NULL DEFAULT '',
    to_status     text NOT NULL DEFAULT '',
    comment       text NOT NULL DEFAULT '',
    actor_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_events_idx ON assessment_events (assessment_id, at DESC);

CREATE TABLE assessment_positions (
    assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_id    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, user_id)
);
