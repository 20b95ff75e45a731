-- The action plan: recommendations turned into actions with an owner, a due date and a status.
CREATE TABLE actions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    question_id   text NOT NULL,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    owner_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    due_on        date,
    status        text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done', 'wont_do')),
    reason        text NOT NULL DEFAULT '',
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'wont_do' OR reason <> '')
);
CREATE INDEX actions_assessment_idx ON actions (assessment_id);
