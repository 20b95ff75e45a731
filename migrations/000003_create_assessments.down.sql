DROP TABLE IF EXISTS assessment_positions, assessment_events, answer_history, answers, assessments;
