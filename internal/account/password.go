package account

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB of memory, 2 passes, 1 thread), which
// takes tens of milliseconds on a server core. They are stored in each hash, so they can be raised
// later without invalidating existing passwords.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLength is the shortest password accepted (no composition rules: length matters).
const MinPasswordLength = 12

// MaxPasswordLength bounds the work an attacker can make us do per attempt.
const MaxPasswordLength = 256

// Password policy failures, as message keys for the forms.
var (
	ErrPasswordTooShort = errors.New("password.too_short")
	ErrPasswordTooLong  = errors.New("password.too_long")
	ErrPasswordCommon   = errors.New("password.common")
	ErrPasswordPersonal = errors.New("password.personal")
)

//go:embed common-passwords.txt
var commonList []byte

var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(commonList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPassword applies the password policy: at least 12 characters, not a common password, not
// made of the user's e-mail address or name, not one repeated character.
func CheckPassword(password, email, name string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case len(password) > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	lower := strings.ToLower(password)
	if common[lower] || strings.Count(lower, string([]rune(lower)[0])) == n {
		return ErrPasswordCommon
	}
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	for _, p := range []string{strings.ToLower(email), local, strings.ToLower(strings.ReplaceAll(name, " ", ""))} {
		if len(p) >= 4 && strings.Contains(strings.ReplaceAll(lower, " ", ""), p) && len(lower)-len(p) < 6 {
			return ErrPasswordPersonal
		}
	}
	return nil
}

// hashing bounds the argon2id computations running at once. Each one holds argonMemory (19 MiB)
// and a core for tens of milliseconds, so a burst of sign-in attempts would otherwise grow memory
// without limit (100 parallel attempts once took the process from 43 MB to 813 MB) and starve every
// other request of CPU. One slot per core keeps the cores busy; the others wait their turn, or give
// up when their request ends.
var hashing = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// MaxConcurrentHashes is how many password hashes are computed at once at most.
func MaxConcurrentHashes() int { return cap(hashing) }

// ErrBusy is returned when the request ended while waiting to compute a password hash.
var ErrBusy = errors.New("account: too many password checks at once")

func argon2id(ctx context.Context, password, salt []byte, iter, mem uint32, threads uint8, keyLen uint32) ([]byte, error) {
	select {
	case hashing <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, iter, mem, threads, keyLen), nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := argon2id(ctx, []byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash, in constant time. The error is not nil
// only when the request ended before the check could run (ErrBusy).
func VerifyPassword(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(password) > MaxPasswordLength {
		return false, nil
	}
	got, err := argon2id(ctx, []byte(password), salt, iter, mem, threads, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an account does not exist, so a failed login takes as long
// whether or not the e-mail address is registered.
var dummyHash, _ = HashPassword(context.Background(), "aigrid-dummy-password-for-timing")

// VerifyNothing spends the time of a password verification, to keep timings uniform.
func VerifyNothing(ctx context.Context, password string) error {
	_, err := VerifyPassword(ctx, dummyHash, password)
	return err
}
