package account

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// Two-step sign-in: a time-based one-time password (TOTP, RFC 6238: SHA-1, 6 digits, 30 s steps,
// what every authenticator app supports) after the password, or one of ten single-use recovery
// codes.
const (
	totpPeriod = 30
	totpSkew   = 1 // one step either side: a clock up to 30 s off, or a code typed as it changes
	// RecoveryCodes is how many recovery codes an enrolment hands out.
	RecoveryCodes = 10
	issuer        = "aigrid"
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrBadCode is a wrong, expired or already used code.
var ErrBadCode = errors.New("account: wrong or already used code")

// NewTOTP generates a secret for accountName (the user's e-mail address) and returns it with the
// otpauth:// URL an authenticator app reads from the QR code.
func NewTOTP(accountName string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: accountName, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", fmt.Errorf("account: new TOTP secret: %w", err)
	}
	return k.Secret(), k.URL(), nil
}

// TOTPURL is the otpauth:// URL of a secret, which authenticator apps read from the QR code.
func TOTPURL(accountName, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {issuer}, "period": {strconv.Itoa(totpPeriod)}, "digits": {"6"}, "algorithm": {"SHA1"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + accountName, RawQuery: v.Encode()}
	return u.String()
}

// TOTPQRCode renders the otpauth:// URL as a PNG QR code, server-side (no external service).
func TOTPQRCode(otpURL string) ([]byte, error) {
	k, err := otp.NewKeyFromURL(otpURL)
	if err != nil {
		return nil, err
	}
	img, err := k.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CheckTOTP checks a code against secret at time now. It returns the time step the code belongs
// to, which must be later than lastStep (the step of the last code accepted): a code is accepted
// once. Spaces in the code are ignored.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpOpts.Digits.Length() {
		return 0, ErrBadCode
	}
	current := now.Unix() / totpPeriod
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		if step <= lastStep || step < 0 {
			continue
		}
		ok, err := hotp.ValidateCustom(code, uint64(step), secret, totpOpts)
		if err == nil && ok {
			return step, nil
		}
	}
	return 0, ErrBadCode
}

// TOTPCode is the code of secret at time t (for tests and the enrolment check).
func TOTPCode(secret string, t time.Time) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(t.Unix()/totpPeriod), totpOpts)
}

var recoveryAlphabet = base32.NewEncoding("abcdefghjkmnpqrstuvwxyz023456789").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns RecoveryCodes random codes, written as xxxxx-xxxxx (50 bits each,
// without letters that look alike).
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 7)
		rand.Read(b)
		s := recoveryAlphabet.EncodeToString(b)[:10]
		codes[i] = s[:5] + "-" + s[5:]
	}
	return codes
}

// NormaliseRecoveryCode is the form a recovery code is hashed in: lower case, no spaces or dashes.
func NormaliseRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, code)
}

// RecoveryCodeHash is what is stored of a recovery code.
func RecoveryCodeHash(code string) []byte {
	h := sha256.Sum256([]byte("aigrid recovery code\x00" + NormaliseRecoveryCode(code)))
	return h[:]
}

// SecretBox encrypts TOTP secrets at rest (AES-256-GCM) with a key derived from the instance's
// session key, so a copy of the database alone does not give the second factor away.
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox derives the encryption key from key (the session key).
func NewSecretBox(key []byte) (*SecretBox, error) {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("aigrid totp secret encryption v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts a secret; userID binds the ciphertext to its account.
func (b *SecretBox) Seal(secret, userID string) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	return b.aead.Seal(nonce, nonce, []byte(secret), []byte(userID))
}

// Open decrypts a secret sealed for userID.
func (b *SecretBox) Open(sealed []byte, userID string) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("account: sealed secret too short")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(userID))
	if err != nil {
		return "", fmt.Errorf("account: open TOTP secret: %w", err)
	}
	return string(plain), nil
}
