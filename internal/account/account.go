// Package account holds aigrid's identity model: users, organisations, roles and what each role may
// do, and the password policy. It is pure: storage lives in internal/postgres.
package account

import (
	"errors"
	"time"
)

// Role is a member's role in an organisation.
type Role string

// The roles, from most to least powerful.
const (
	Owner    Role = "owner"    // manages members and settings, and does everything an editor does
	Editor   Role = "editor"   // creates and fills in assessments
	Reviewer Role = "reviewer" // reads, comments, approves or returns assessments
	Viewer   Role = "viewer"   // reads only
)

// Roles lists every role, most powerful first.
var Roles = []Role{Owner, Editor, Reviewer, Viewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission is something a member may be allowed to do in an organisation.
type Permission string

// The permissions checked by the routes.
const (
	PermRead          Permission = "read"           // see the organisation's assessments and results
	PermEdit          Permission = "edit"           // create and fill in assessments, manage actions
	PermReview        Permission = "review"         // approve or return an assessment under review
	PermManageMembers Permission = "manage_members" // invite, change roles, remove members
	PermManageOrg     Permission = "manage_org"     // rename the organisation, delete assessments
)

// grants is the role table: exactly what each role may do.
var grants = map[Role][]Permission{
	Owner:    {PermRead, PermEdit, PermReview, PermManageMembers, PermManageOrg},
	Editor:   {PermRead, PermEdit},
	Reviewer: {PermRead, PermReview},
	Viewer:   {PermRead},
}

// Can reports whether role r grants permission p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// User is a person who signs in.
type User struct {
	ID                string
	Email             string
	Name              string
	SiteAdmin         bool
	Lang              string
	CreatedAt         time.Time
	PasswordChangedAt time.Time
	TwoFactor         bool // two-step sign-in is set up
}

// Organisation is a tenant: its assessments are visible to its members only.
type Organisation struct {
	ID        string
	Name      string
	CreatedAt time.Time
	// AllowSelfApproval lets whoever submitted an assessment approve it too (for one-person
	// organisations); off by default, every use is recorded in the audit log.
	AllowSelfApproval bool
	// RequireTwoFactor makes every member set up two-step sign-in before opening the
	// organisation's pages.
	RequireTwoFactor bool
	// RequireSSO refuses password sign-in to members (site administrators excepted): they sign
	// in with the instance's OpenID Connect provider.
	RequireSSO bool
	// JoinDomain lets people whose verified e-mail address is in this domain join by single
	// sign-on, with JoinRole; "" for none.
	JoinDomain string
	JoinRole   Role
}

// Membership is a user's role in one organisation.
type Membership struct {
	Organisation Organisation
	User         User
	Role         Role
	CreatedAt    time.Time
}

// Invitation is a single-use, expiring link to join an organisation with a role.
type Invitation struct {
	ID           string
	Organisation Organisation
	Email        string // optional: who it is meant for, for the inviter's records
	Role         Role
	CreatedBy    string // name of the inviter
	CreatedAt    time.Time
	ExpiresAt    time.Time
	AcceptedAt   *time.Time
	RevokedAt    *time.Time
}

// Pending reports whether the invitation can still be accepted at now.
func (i Invitation) Pending(now time.Time) bool {
	return i.AcceptedAt == nil && i.RevokedAt == nil && now.Before(i.ExpiresAt)
}

// SessionInfo describes one of a user's signed-in sessions.
type SessionInfo struct {
	ID         string // an opaque handle (hex of the stored hash), safe to show and to revoke by
	CreatedAt  time.Time
	LastSeenAt time.Time
	UserAgent  string
	IP         string
	Current    bool
}

// AuditEntry is one line of the audit log: who did what, when.
type AuditEntry struct {
	At             time.Time
	ActorID        string
	ActorName      string
	OrganisationID string
	Action         string
	Details        map[string]any
	IP             string
	// read back only: the organisation's name, and the current names of the people and assessments
	// the details refer to by id ("user", "assessment" → name), for a log people can read
	OrganisationName string
	Names            map[string]string
}

// OrganisationSummary is a line of the site administrator's list of organisations.
type OrganisationSummary struct {
	Organisation
	Members int
}

// Errors shared by the account operations.
var (
	ErrEmailTaken    = errors.New("account: e-mail address already registered")
	ErrInvalidLogin  = errors.New("account: invalid e-mail or password")
	ErrThrottled     = errors.New("account: too many attempts")
	ErrInvalidToken  = errors.New("account: invalid or expired link")
	ErrLastOwner     = errors.New("account: an organisation needs at least one owner")
	ErrAlreadyMember = errors.New("account: already a member")
)
