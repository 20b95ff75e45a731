package account

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoleTable(t *testing.T) {
	want := map[Role]map[Permission]bool{
		Owner:    {PermRead: true, PermEdit: true, PermReview: true, PermManageMembers: true, PermManageOrg: true},
		Editor:   {PermRead: true, PermEdit: true},
		Reviewer: {PermRead: true, PermReview: true},
		Viewer:   {PermRead: true},
	}
	for _, r := range Roles {
		for _, p := range []Permission{PermRead, PermEdit, PermReview, PermManageMembers, PermManageOrg} {
			if r.Can(p) != want[r][p] {
				t.Errorf("%s.Can(%s) = %v", r, p, r.Can(p))
			}
		}
	}
	if Role("admin").Valid() || Role("").Can(PermRead) {
		t.Error("unknown roles must be invalid and grant nothing")
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]error{
		"short":                        ErrPasswordTooShort,
		"elevenchars":                  ErrPasswordTooShort,
		"Password1234":                 ErrPasswordCommon,
		"AZERTYUIOP123":                ErrPasswordCommon,
		"zzzzzzzzzzzzzz":               ErrPasswordCommon,
		"claire.dupont99":              ErrPasswordPersonal,
		"correct horse battery staple": nil,
		"Le chat dort sur le canapé":   nil,
		"twelve chars":                 nil,
		strings.Repeat("ab", 129):      ErrPasswordTooLong,
	} {
		if got := CheckPassword(pw, "claire.dupont@example.org", "Claire Dupont"); got != want {
			t.Errorf("CheckPassword(%q) = %v, want %v", pw, got, want)
		}
	}
}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := HashPassword(ctx, "correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	verify := func(hash, pw string) bool {
		ok, err := VerifyPassword(ctx, hash, pw)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !verify(h, "correct horse battery staple") || verify(h, "correct horse battery stapler") {
		t.Fatal("VerifyPassword")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", h[:len(h)-3] + "!!!"} {
		if verify(bad, "x") {
			t.Errorf("VerifyPassword accepted hash %q", bad)
		}
	}
}

// No more argon2id computations run at once than there are slots, however many are asked for; a
// request that ends while waiting gives up with ErrBusy instead of computing.
func TestHashingIsBounded(t *testing.T) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	// Hold every slot: a check must wait, and give up when its context ends.
	for range MaxConcurrentHashes() {
		hashing <- struct{}{}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = VerifyPassword(short, h, "correct horse battery staple")
	cancel()
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("with every slot taken: %v, want ErrBusy", err)
	}
	// Free the slots while 4×slots checks are waiting: each gets its turn.
	var wg sync.WaitGroup
	n := 4 * MaxConcurrentHashes()
	results := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := VerifyPassword(ctx, h, "correct horse battery staple")
			results <- ok && err == nil
		})
	}
	for range MaxConcurrentHashes() {
		<-hashing
	}
	wg.Wait()
	close(results)
	for ok := range results {
		if !ok {
			t.Fatal("a waiting check failed")
		}
	}
}
