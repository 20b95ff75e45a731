-- An assessment's revision counts the changes to what its scores and progress are computed from:
-- its profile and its answers. Every write of answers or profile to an existing assessment adds
-- one in the same transaction, so (assessment, revision) names one state of those inputs and the
-- application can keep what it computes from them (which questions apply, progress, scores) under
-- that key, correct across instances without any invalidation. A page then reads the revision and
-- the answers of its own step instead of every answer.
ALTER TABLE assessments ADD COLUMN revision bigint NOT NULL DEFAULT 0;
