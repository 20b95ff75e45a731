package account

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
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

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash, in constant time.
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(password) > MaxPasswordLength {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an account does not exist, so a failed login takes as long
// whether or not the e-mail address is registered.
var dummyHash, _ = HashPassword("aigrid-dummy-password-for-timing")

// VerifyNothing spends the time of a password verification, to keep timings uniform.
func VerifyNothing(password string) { VerifyPassword(dummyHash, password) }
