package account

import (
	"crypto/rand"
	"strings"
	"time"
)

// APITokenPrefix starts every API token, so that secret scanners (and people) recognise one that
// leaked into a repository or a log.
const APITokenPrefix = "aig_"

// apiTokenHintLen is how much of a token is kept in clear to recognise it on the tokens page: the
// prefix and 6 of its 26 random characters (30 of its 130 bits), too little to guess the rest.
const apiTokenHintLen = len(APITokenPrefix) + 6

// APIToken is a token an organisation's owner created for the read-only API. The secret itself is
// shown once and never stored: only its SHA-256.
type APIToken struct {
	ID             string
	OrganisationID string
	Name           string
	Hint           string // the token's first characters, "aig_ABCDEF"
	CreatedBy      string // the creator's name ("" once the user is deleted)
	CreatedAt      time.Time
	LastUsedAt     *time.Time // at most a minute behind (see postgres.Store.APITokenByHash)
	ExpiresAt      *time.Time
	RevokedAt      *time.Time
}

// Active reports whether the token opens the API at now: neither revoked nor expired.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// NewAPIToken makes a token: the prefix and 26 base32 characters from crypto/rand (130 bits). It
// returns the token and its hint.
func NewAPIToken() (token, hint string) {
	token = APITokenPrefix + rand.Text()
	return token, token[:apiTokenHintLen]
}

// LooksLikeAPIToken reports whether s has the shape of a token (the prefix and 26 to 64 base32
// characters): anything else is refused before any query.
func LooksLikeAPIToken(s string) bool {
	rest, ok := strings.CutPrefix(s, APITokenPrefix)
	if !ok || len(rest) < 26 || len(rest) > 64 {
		return false
	}
	for _, c := range rest {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
