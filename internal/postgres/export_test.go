package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// PendingSaves is how many saves wait for a batch.
func (s *Store) PendingSaves() int {
	s.saves.mu.Lock()
	defer s.saves.mu.Unlock()
	return len(s.saves.pending)
}

// SessionReads runs only the reads LoadSession sends with a session's query, guarded by that
// session (its ID hash), without the session's own query: what they return on their own.
func (s *Store) SessionReads(ctx context.Context, idHash []byte, orgID, id string, reads Reads) (AssessmentView, bool, error) {
	var v AssessmentView
	found := false
	b := &pgx.Batch{}
	queueAssessment(b, orgID, id, reads, reader{session: idHash}, &v, &found)
	err := s.db.SendBatch(ctx, b).Close()
	return v, found, err
}
